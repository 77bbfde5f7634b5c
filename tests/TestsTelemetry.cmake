# Tests of the Prometheus exposition (core/telemetry) and its /metrics server.
list(APPEND ADMINCHAT_CORE_TESTS tst_prometheusexposition tst_metricshttpserver)
