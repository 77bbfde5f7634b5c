# Thousands of requests at concurrency 32 with faults on.
# tst_soak runs the adminchat binary (bench, serve-demo, metrics export) and asks the demo server
# for its statistics over HTTP, so it needs Qt6::Network besides what the app tests get; it runs
# for up to a couple of minutes on a slow or sanitized build, hence its own block and timeout.
add_executable(tst_soak tst_soak.cpp)
target_link_libraries(tst_soak PRIVATE adminchat_testsupport Qt6::Core Qt6::Network Qt6::Test)
add_dependencies(tst_soak adminchat)
add_test(NAME tst_soak COMMAND tst_soak)
set_tests_properties(tst_soak PROPERTIES TIMEOUT 300)
adminchat_label_test(tst_soak integration slow)
