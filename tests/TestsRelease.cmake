# Installation, the Debian package and the GUI smoke test under Xvfb.
# Shell scripts run by ctest; each exits 77 when a tool it needs is missing (a skip).

# cmake --install into a temporary prefix; every file, desktop-file-validate, appstreamcli,
# the man page and the installed binary.
add_test(NAME tst_install
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/release/check-install.sh ${CMAKE_COMMAND}
                 ${PROJECT_BINARY_DIR} ${PROJECT_VERSION})

# cpack -G DEB into a temporary directory; fields, dependencies, files, the packaged binary.
add_test(NAME tst_deb
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/release/check-deb.sh ${CMAKE_CPACK_COMMAND}
                 ${PROJECT_BINARY_DIR} ${PROJECT_VERSION})

# The real xcb platform in Xvfb, driven with xdotool; the screenshots stay in the build tree.
add_test(NAME tst_guismoke
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/smoke/gui-smoke.sh $<TARGET_FILE:adminchat>
                 ${CMAKE_CURRENT_BINARY_DIR}/smoke)

set_tests_properties(tst_install tst_deb tst_guismoke PROPERTIES SKIP_RETURN_CODE 77)
set_tests_properties(tst_install PROPERTIES TIMEOUT 60)
set_tests_properties(tst_deb PROPERTIES TIMEOUT 120)
# The smoke test sets its own platform; a QT_QPA_PLATFORM=offscreen from the caller is
# overridden inside the script.
set_tests_properties(tst_guismoke PROPERTIES TIMEOUT 120)
adminchat_label_test(tst_install integration)
adminchat_label_test(tst_deb integration)
adminchat_label_test(tst_guismoke gui integration)
