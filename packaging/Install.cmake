# Installation and packaging rules.
#
#   cmake --install build --prefix /usr/local         (or DESTDIR=... cmake --install build)
#   cpack --config build/CPackConfig.cmake -G DEB     (adminchat_<version>_<arch>.deb)
#
# Everything desktop environments look up goes by one reverse-DNS id: the .desktop file, the
# AppStream metainfo, the icon name, and QGuiApplication::desktopFileName in app/GuiLauncher.cpp.
include(GNUInstallDirs)

set(ADMINCHAT_APP_ID io.github.adminchat.AdminChat)
set(ADMINCHAT_RESOURCES ${PROJECT_SOURCE_DIR}/resources)

install(TARGETS adminchat RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES ${ADMINCHAT_RESOURCES}/${ADMINCHAT_APP_ID}.desktop
        DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES ${ADMINCHAT_RESOURCES}/${ADMINCHAT_APP_ID}.metainfo.xml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)

# Icons: the SVG and PNGs rendered from it once (committed, so the build needs no converter).
set(ADMINCHAT_ICON_SIZES 16 32 48 64 128 256)
install(FILES ${ADMINCHAT_RESOURCES}/icons/${ADMINCHAT_APP_ID}.svg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
foreach(size IN LISTS ADMINCHAT_ICON_SIZES)
    install(FILES ${ADMINCHAT_RESOURCES}/icons/${ADMINCHAT_APP_ID}-${size}.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps
            RENAME ${ADMINCHAT_APP_ID}.png)
endforeach()

# The man page, compressed as Debian policy asks (-n: no name or time stamp, so the package is
# reproducible). Built with the binary, so installing after building only adminchat works.
set(ADMINCHAT_MAN_SOURCE ${PROJECT_SOURCE_DIR}/packaging/adminchat.1)
find_program(GZIP_EXECUTABLE gzip)
if(GZIP_EXECUTABLE)
    set(ADMINCHAT_MAN_PAGE ${PROJECT_BINARY_DIR}/man/adminchat.1.gz)
    add_custom_command(
        OUTPUT ${ADMINCHAT_MAN_PAGE}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
        COMMAND ${CMAKE_COMMAND} -E copy ${ADMINCHAT_MAN_SOURCE} ${PROJECT_BINARY_DIR}/man/adminchat.1
        COMMAND ${GZIP_EXECUTABLE} -9nf ${PROJECT_BINARY_DIR}/man/adminchat.1
        DEPENDS ${ADMINCHAT_MAN_SOURCE}
        COMMENT "Compressing the man page"
        VERBATIM)
    add_custom_target(adminchat_man ALL DEPENDS ${ADMINCHAT_MAN_PAGE})
    add_dependencies(adminchat adminchat_man)
else()
    set(ADMINCHAT_MAN_PAGE ${ADMINCHAT_MAN_SOURCE})
endif()
install(FILES ${ADMINCHAT_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# The systemd user service running `adminchat watch` (off until a user enables it).
install(FILES ${PROJECT_SOURCE_DIR}/packaging/adminchat-watch.service
        DESTINATION lib/systemd/user)

# The Grafana dashboard over the exported and pushed metrics, to import into Grafana.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/adminchat-grafana.json
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/adminchat)

# The licence terms, where Debian policy and users look for them.
install(FILES ${PROJECT_SOURCE_DIR}/packaging/copyright
        DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/adminchat)

# The Debian package. Library dependencies come from dpkg-shlibdeps; what it cannot see is
# listed by hand: Qt loads the SQLite driver and the platform plugins at run time, and
# QtKeychain opens libsecret with dlopen and needs a Secret Service (or KWallet) to talk to.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME adminchat)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The AdminChat developers")
set(CPACK_PACKAGE_CONTACT "The AdminChat developers <adminchat@users.noreply.github.com>")
set(CPACK_PACKAGE_HOMEPAGE_URL ${PROJECT_HOMEPAGE_URL})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "chat client and performance dashboard for LLM endpoints")
# One string (no semicolons: CMake would read them as list separators).
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "AdminChat is a native desktop chat client for any OpenAI-compatible endpoint (vLLM,\n"
    "the llama.cpp server, OpenRouter, OpenAI, a company gateway) that measures every\n"
    "answer while you talk: time to first token, inter-token latency, end-to-end latency,\n"
    "tokens per second. A live dashboard shows percentiles over time and suggestions.\n"
    "The command line asks one-off questions, runs load tests and A/B experiments and\n"
    "exports CSV. A built-in simulated endpoint lets it work without any server.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # adminchat_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "libsecret-1-0, gnome-keyring | kwalletmanager, fonts-noto-color-emoji")
include(CPack)
