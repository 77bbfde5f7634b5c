#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat bench merge a.json b.json ... [--csv FILE] [--json]`: combines the JSON reports of
// bench runs made at the same time from several machines (bench/BenchSummary). arguments: the
// program name, then what follows "merge".
int runBenchMergeCommand(const QStringList& arguments);

} // namespace adminchat
