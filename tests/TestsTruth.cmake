# Honest numbers and storage that says the truth: one percentile definition everywhere, readers
# on a read-only database, failed writes reported with their file and reason, answers kept when
# the disk is full.
list(APPEND ADMINCHAT_CORE_TESTS tst_percentiles)
list(APPEND ADMINCHAT_GUI_TESTS tst_dashboardpercentiles)
list(APPEND ADMINCHAT_APP_TESTS tst_honestnumbers)
# Read-only databases and unwritable outputs, as root too, and full disks (tests/ScratchMounts.h:
# a read-only bind mount as root, chmod otherwise; a small tmpfs filled to the last byte).
list(APPEND ADMINCHAT_APP_TESTS tst_readonlystore tst_askdiskfull)
list(APPEND ADMINCHAT_CORE_TESTS tst_historydiskfull)
list(APPEND ADMINCHAT_GUI_TESTS tst_unsavedanswer)
# These play the endpoint with HostileServer: the app-test loop, run after this file is included,
# links only QtCore.
cmake_language(DEFER CALL target_link_libraries tst_honestnumbers PRIVATE Qt6::Network)
cmake_language(DEFER CALL target_link_libraries tst_askdiskfull PRIVATE Qt6::Network)
