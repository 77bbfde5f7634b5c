# OTLP/HTTP JSON export (core/telemetry/Otlp*): the encoding and the OTEL_* variables, the
# exporter against a receiver in the test (tests/OtlpTestReceiver.h), and `adminchat ask`,
# `bench` and `watch` exporting to it.
list(APPEND ADMINCHAT_CORE_TESTS tst_otlpjson tst_otlpexporter)
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_otlpexport)
