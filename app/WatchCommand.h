#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat watch ...`: the endpoint watch without a window (WatchRun). Arguments as
// QCoreApplication gives them without the command word. Returns the exit status.
int runWatchCommand(const QStringList& arguments);

} // namespace adminchat
