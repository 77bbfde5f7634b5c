# Tests of chat sessions: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS|ADMINCHAT_GUI_TESTS ...)
list(APPEND ADMINCHAT_CORE_TESTS tst_sessionrecorder tst_experimentsteering tst_requestfinisher
    tst_requestmeter tst_conversationpersistence)
# A/B experiments in the window, end to end; needs a Secret Service like tst_conversationflow.
list(APPEND ADMINCHAT_GUI_TESTS tst_experimentflow)
