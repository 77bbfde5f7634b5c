# Keys, secret header values and base URLs through the real client against tests/HostileServer.h:
# these run the adminchat binary and use the core in-process (the keychain, the client), so they
# link the core and depend on the binary. Those using the keychain skip without a D-Bus session.
#
# tests/HostileServer.h does not compile with g++ 12 as it stands (a nested struct's default
# member initialisers in a default argument of the enclosing class) and two of its steps warn
# under -Wextra. Until it is fixed, these tests include a copy with the constructor split in two
# and those steps fully initialised; once fixed, the copy is the file itself.
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/HostileServer.h hostile_server)
string(REPLACE
    "explicit HostileServer(HostileHandler handler, Options options = {})"
    "explicit HostileServer(HostileHandler handler) : HostileServer(std::move(handler), Options()) {}\n    HostileServer(HostileHandler handler, Options options)"
    hostile_server "${hostile_server}")
string(REPLACE "add({Step::Reset})" "add({Step::Reset, {}, 0})" hostile_server "${hostile_server}")
string(REPLACE "add({Step::Hold})" "add({Step::Hold, {}, 0})" hostile_server "${hostile_server}")
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/secrets/HostileServer.h "${hostile_server}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS HostileServer.h)
foreach(name IN ITEMS tst_headerinjection tst_secretheaders tst_baseurls)
    add_executable(${name} ${name}.cpp)
    target_link_libraries(${name} PRIVATE adminchat_core Qt6::Test)
    target_compile_definitions(${name} PRIVATE ADMINCHAT_BIN="$<TARGET_FILE:adminchat>")
    target_include_directories(${name} BEFORE PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/secrets
                                                      ${CMAKE_CURRENT_SOURCE_DIR})
    add_dependencies(${name} adminchat)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endforeach()

# The profile editor with secrets, offscreen, against the scripted server.
add_executable(tst_profileeditorsecrets tst_profileeditorsecrets.cpp)
target_link_libraries(tst_profileeditorsecrets PRIVATE adminchat_ui Qt6::Test)
target_include_directories(tst_profileeditorsecrets BEFORE PRIVATE
                           ${CMAKE_CURRENT_BINARY_DIR}/secrets ${CMAKE_CURRENT_SOURCE_DIR})
add_test(NAME tst_profileeditorsecrets COMMAND tst_profileeditorsecrets)
set_tests_properties(tst_profileeditorsecrets PROPERTIES ENVIRONMENT QT_QPA_PLATFORM=offscreen
                                                        TIMEOUT 120)
