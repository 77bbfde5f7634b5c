# Keys never leave the keychain (the canary test); the database's recovery.
