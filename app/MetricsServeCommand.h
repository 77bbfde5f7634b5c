#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat metrics serve`: /metrics for Prometheus from the metrics database.
int runMetricsServeCommand(const QStringList& arguments);

} // namespace adminchat
