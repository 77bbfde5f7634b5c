# Tests of connection pre-warming and start-up: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS|ADMINCHAT_GUI_TESTS ...)
list(APPEND ADMINCHAT_CORE_TESTS tst_connectionwarmer tst_connectionwarmertls tst_demohandshake)
list(APPEND ADMINCHAT_APP_TESTS tst_startupcommands)
list(APPEND ADMINCHAT_GUI_TESTS tst_windowwarmup)
