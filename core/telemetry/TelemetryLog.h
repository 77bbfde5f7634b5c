#pragma once

#include <QLoggingCategory>

namespace adminchat {

// "adminchat.telemetry": the metrics exposition server (listening, refused requests).
Q_DECLARE_LOGGING_CATEGORY(lcTelemetry)

} // namespace adminchat
