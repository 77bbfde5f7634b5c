#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat metrics export|summary`: the stored metrics as CSV, a table or JSON.
int runMetricsCommand(const QStringList& arguments);

} // namespace adminchat
