# Honest numbers and storage that says the truth: one percentile definition everywhere, readers
# on a read-only database, failed writes reported with their file and reason.
list(APPEND ADMINCHAT_CORE_TESTS tst_percentiles)
