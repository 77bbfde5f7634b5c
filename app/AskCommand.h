#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat ask`: streams one answer to stdout, or prints one JSON summary with --json.
// Returns the process exit code (0 success, 1 the request failed, 2 bad usage).
int runAskCommand(const QStringList& arguments);

} // namespace adminchat
