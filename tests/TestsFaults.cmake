# Every fault mode of the demo endpoint through the real client, with memory bounds.
# tst_faultmatrix starts the adminchat binary (serve-demo) and runs the core's client in-process,
# so it needs both, which neither test list gives.
add_executable(tst_faultmatrix tst_faultmatrix.cpp)
target_link_libraries(tst_faultmatrix PRIVATE adminchat_core adminchat_reference adminchat_testsupport Qt6::Test)
add_dependencies(tst_faultmatrix adminchat)
add_test(NAME tst_faultmatrix COMMAND tst_faultmatrix)
set_tests_properties(tst_faultmatrix PROPERTIES TIMEOUT 120)
adminchat_label_test(tst_faultmatrix integration)

# The generated fault answers over raw loopback connections.
list(APPEND ADMINCHAT_CORE_TESTS tst_demofaultstreams)
