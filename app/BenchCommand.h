#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat bench`: a load run against an endpoint (see BenchOptions). Returns the process exit
// code: 0 done, 1 no request completed or the endpoint could not be used, 2 bad usage, 130
// stopped with Ctrl+C (what was measured is still printed and written).
int runBenchCommand(const QStringList& arguments);

} // namespace adminchat
