# Keys, secret header values and base URLs through the real client against
# tests/support/HostileServer.h: these run the adminchat binary and use the core in-process (the
# keychain, the client), so they link the core and depend on the binary. Those using the keychain
# skip without a D-Bus session.
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_headerinjection tst_secretheaders tst_baseurls)

# The profile editor with secrets, offscreen, against the scripted server.
add_executable(tst_profileeditorsecrets tst_profileeditorsecrets.cpp)
target_link_libraries(tst_profileeditorsecrets PRIVATE adminchat_ui adminchat_testsupport
                                                       Qt6::Test)
add_test(NAME tst_profileeditorsecrets COMMAND tst_profileeditorsecrets)
set_tests_properties(tst_profileeditorsecrets PROPERTIES ENVIRONMENT QT_QPA_PLATFORM=offscreen
                                                        TIMEOUT 120)
adminchat_label_test(tst_profileeditorsecrets gui integration)
