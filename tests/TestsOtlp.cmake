# OTLP/HTTP JSON export (core/telemetry/Otlp*): the encoding and the OTEL_* variables, and the
# exporter against a receiver in the test (tests/OtlpTestReceiver.h).
list(APPEND ADMINCHAT_CORE_TESTS tst_otlpjson tst_otlpexporter)
