# Tests of the Prometheus exposition (core/telemetry) and `adminchat metrics serve` scraped by
# Debian's prometheus and checked by promtool (packaging/install-deps.sh installs both).
list(APPEND ADMINCHAT_CORE_TESTS tst_prometheusexposition tst_metricshttpserver)
list(APPEND ADMINCHAT_APP_TESTS tst_prometheusscrape)
# The window serving the same /metrics (Preferences).
list(APPEND ADMINCHAT_GUI_TESTS tst_windowmetricsserve)
