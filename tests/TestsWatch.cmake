# The endpoint watch (core/watch and `adminchat watch`): the state machine, the scheduler on a
# manual clock, probe classification and the incident store in process.
list(APPEND ADMINCHAT_CORE_TESTS
    tst_statustracker
    tst_probescheduler
    tst_proberesult
    tst_incidentstore
)
