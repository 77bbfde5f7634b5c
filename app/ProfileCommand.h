#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat profile ...`; arguments as QCoreApplication gives them, without the command word.
int runProfileCommand(const QStringList& arguments);

} // namespace adminchat
