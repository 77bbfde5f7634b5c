# Pushing metrics (core/telemetry PushTarget, MetricsPusher, TelemetryPush) and `adminchat bench
# merge` (core/bench BenchSummary). tst_pushgateway starts Debian's prometheus-pushgateway,
# prometheus and victoria-metrics (packaging/install-deps.sh installs them).
list(APPEND ADMINCHAT_CORE_TESTS tst_pushtarget tst_benchsummary)
list(APPEND ADMINCHAT_APP_TESTS tst_pushgateway)
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_benchmerge)
