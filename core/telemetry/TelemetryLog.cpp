#include "telemetry/TelemetryLog.h"

namespace adminchat {

Q_LOGGING_CATEGORY(lcTelemetry, "adminchat.telemetry", QtInfoMsg)

} // namespace adminchat
