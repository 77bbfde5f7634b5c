# Tests of conversation history: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS|ADMINCHAT_GUI_TESTS ...)
list(APPEND ADMINCHAT_CORE_TESTS tst_conversationstore tst_database tst_writetransaction tst_conversationexporter
     tst_historyservice)
list(APPEND ADMINCHAT_APP_TESTS tst_historycommand)
# tst_historycommand seeds the database the binary reads with ConversationStore. Its target is
# created by the loop after this file is included, so the link is added once the folder is done.
cmake_language(DEFER CALL target_link_libraries tst_historycommand PRIVATE adminchat_core)
list(APPEND ADMINCHAT_APP_TESTS tst_askhistory)
