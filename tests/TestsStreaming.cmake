# Tests of streaming display: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_GUI_TESTS ...)
