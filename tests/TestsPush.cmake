# Pushing metrics (core/telemetry PushTarget, MetricsPusher, TelemetryPush): tst_pushgateway
# starts Debian's prometheus-pushgateway, prometheus and victoria-metrics
# (packaging/install-deps.sh installs them).
list(APPEND ADMINCHAT_CORE_TESTS tst_pushtarget)
list(APPEND ADMINCHAT_APP_TESTS tst_pushgateway)
