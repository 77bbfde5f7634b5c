# The endpoint watch (core/watch and `adminchat watch`): the state machine, the scheduler on a
# manual clock, probe classification and the incident store in process; the command against
# serve-demo processes whose faults change while it runs; desktop notifications against dunst on
# a private session bus (NotificationServer.h).
list(APPEND ADMINCHAT_CORE_TESTS
    tst_statustracker
    tst_probescheduler
    tst_proberesult
    tst_incidentstore
    tst_alertrules
    tst_desktopnotifier
)
list(APPEND ADMINCHAT_INTEGRATION_TESTS tst_desktopnotifier) # dbus-daemon, Xvfb, dunst
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_watchcommand tst_watchalerts)
list(APPEND ADMINCHAT_SLOW_TESTS
    tst_watchcommand # about 20 s of probes at 1 s intervals
    tst_watchalerts  # a minute's window of probes (the shortest a timed rule has)
)
