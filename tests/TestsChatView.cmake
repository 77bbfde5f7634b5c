# Tests of the chat view: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS|ADMINCHAT_GUI_TESTS ...)
list(APPEND ADMINCHAT_GUI_TESTS tst_chatview tst_markdownsegmenter tst_streamingmarkdown
     tst_markdownpreview tst_keyboardconversation tst_chatviewlook)
