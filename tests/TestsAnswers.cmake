# What counts as an answer: the choice followed, empty answers, lone surrogates and usage.
list(APPEND ADMINCHAT_CORE_TESTS tst_answershapes)

# tst_answers drives ChatClient in-process and the adminchat binary (ask --json), both against
# HostileServer, so it needs the core library and the binary.
add_executable(tst_answers tst_answers.cpp)
target_link_libraries(tst_answers PRIVATE adminchat_core adminchat_reference adminchat_testsupport Qt6::Test)
add_dependencies(tst_answers adminchat)
add_test(NAME tst_answers COMMAND tst_answers)
set_tests_properties(tst_answers PROPERTIES TIMEOUT 180)
adminchat_label_test(tst_answers integration)
