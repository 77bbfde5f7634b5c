# Tests of sidebar and profile editor: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS|ADMINCHAT_GUI_TESTS ...)
# tst_profileeditor needs a Secret Service (gnome-keyring in a D-Bus session, see run-all.sh).
list(APPEND ADMINCHAT_GUI_TESTS tst_conversationsidebar tst_profileeditor)
# The list's order over a real database; where export dialogs start.
list(APPEND ADMINCHAT_GUI_TESTS tst_conversationorder tst_exportfolder)
