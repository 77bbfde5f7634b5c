#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat history ...`; arguments as QCoreApplication gives them, without the command word.
int runHistoryCommand(const QStringList& arguments);

} // namespace adminchat
