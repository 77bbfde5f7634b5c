# Keys never leave the keychain (the canary test); the database's recovery.
list(APPEND ADMINCHAT_GUI_TESTS tst_canary)
