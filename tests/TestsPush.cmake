# Pushing metrics (core/telemetry PushTarget, MetricsPusher, TelemetryPush), `adminchat bench
# merge` (core/bench BenchSummary) and the Grafana dashboard (packaging/adminchat-grafana.json).
# tst_pushgateway starts Debian's prometheus-pushgateway, prometheus and victoria-metrics;
# tst_grafanadashboard checks every PromQL expression with promtool (packaging/install-deps.sh
# installs all three packages).
list(APPEND ADMINCHAT_CORE_TESTS tst_pushtarget tst_benchsummary tst_grafanadashboard)
list(APPEND ADMINCHAT_INTEGRATION_TESTS tst_grafanadashboard)
list(APPEND ADMINCHAT_APP_TESTS tst_pushgateway)
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_benchmerge)

# The dashboard is read from the source tree.
cmake_language(DEFER CALL target_compile_definitions tst_grafanadashboard PRIVATE
               ADMINCHAT_GRAFANA_DASHBOARD="${PROJECT_SOURCE_DIR}/packaging/adminchat-grafana.json")
