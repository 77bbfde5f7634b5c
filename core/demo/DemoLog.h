#pragma once

#include <QLoggingCategory>

namespace adminchat {

// "adminchat.demo": one debug line per request served by the demo endpoint.
Q_DECLARE_LOGGING_CATEGORY(lcDemo)

} // namespace adminchat
