# Tests of endpoint profiles and keys: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS|ADMINCHAT_GUI_TESTS ...)
# tst_keystore and tst_profilecommand use a real Secret Service: run them inside
# tests/run-all.sh (dbus-run-session + gnome-keyring-daemon); without a D-Bus session they skip.
list(APPEND ADMINCHAT_CORE_TESTS
    tst_endpointprofile
    tst_profilestore
    tst_keystore
    tst_profileresolver
    tst_streamoptions
    tst_customca
)
list(APPEND ADMINCHAT_APP_TESTS tst_profilecommand)
# The profile form and editor: mnemonics, a form that does not jump, unsaved edits, Test
# connection against a silent server. tst_profilewatch runs `adminchat profile add` beside a
# picker watching the same settings file.
list(APPEND ADMINCHAT_GUI_TESTS tst_profileform tst_profileeditorunsaved tst_connectiontest
     tst_profilewatch)
list(APPEND ADMINCHAT_INTEGRATION_TESTS tst_profilewatch)
