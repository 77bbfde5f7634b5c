# Tests of Predicted Outputs: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS ...)
list(APPEND ADMINCHAT_CORE_TESTS tst_predictiondemo)
list(APPEND ADMINCHAT_APP_TESTS tst_predictioncommand)
