# ADMINCHAT_SANITIZE and ADMINCHAT_FUZZ compile flags (see tests/fuzz/).
