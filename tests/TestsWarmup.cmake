# Tests of connection pre-warming and start-up: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS|ADMINCHAT_GUI_TESTS ...)
