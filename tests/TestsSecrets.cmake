# Keys, secret header values and base URLs through the real client against tests/HostileServer.h:
# these run the adminchat binary and use the core in-process (the keychain, the client), so they
# link the core and depend on the binary. Those using the keychain skip without a D-Bus session.
foreach(name IN ITEMS tst_headerinjection tst_secretheaders tst_baseurls)
    add_executable(${name} ${name}.cpp)
    target_link_libraries(${name} PRIVATE adminchat_core Qt6::Test)
    target_compile_definitions(${name} PRIVATE ADMINCHAT_BIN="$<TARGET_FILE:adminchat>")
    add_dependencies(${name} adminchat)
    add_test(NAME ${name} COMMAND ${name})
    set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endforeach()

# The profile editor with secrets, offscreen, against the scripted server.
add_executable(tst_profileeditorsecrets tst_profileeditorsecrets.cpp)
target_link_libraries(tst_profileeditorsecrets PRIVATE adminchat_ui Qt6::Test)
add_test(NAME tst_profileeditorsecrets COMMAND tst_profileeditorsecrets)
set_tests_properties(tst_profileeditorsecrets PROPERTIES ENVIRONMENT QT_QPA_PLATFORM=offscreen
                                                        TIMEOUT 120)
