# The endpoint watch (core/watch and `adminchat watch`): the state machine, the scheduler on a
# manual clock, probe classification and the incident store in process; the command against
# serve-demo processes whose faults change while it runs.
list(APPEND ADMINCHAT_CORE_TESTS
    tst_statustracker
    tst_probescheduler
    tst_proberesult
    tst_incidentstore
    tst_alertrules
)
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_watchcommand)
list(APPEND ADMINCHAT_SLOW_TESTS tst_watchcommand) # about 20 s of probes at 1 s intervals
