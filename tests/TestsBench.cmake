# Tests of load runs (`adminchat bench`): list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS ...)
list(APPEND ADMINCHAT_CORE_TESTS tst_benchprompts tst_benchresult tst_loadrunner)
list(APPEND ADMINCHAT_APP_TESTS tst_benchcommand)
# tst_benchcommand predicts variants with the core's VariantAssigner; the target is created by
# the loop after this file is included, so the link is added once the folder is done.
cmake_language(DEFER CALL target_link_libraries tst_benchcommand PRIVATE adminchat_core)
