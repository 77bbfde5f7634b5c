# Endpoint identity in the metrics: one Demo endpoint across launches, profiles apart by id.
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_endpointidentity)
