# Tests of Predicted Outputs: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS ...)
