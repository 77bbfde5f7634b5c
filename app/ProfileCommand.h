#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat profile add|list|remove|test|probe ...`; arguments as QCoreApplication gives them
// without the command word: [0] the program, [1] the subcommand, then its arguments. Returns the
// exit status (0 done, 1 failed, 2 bad usage); runs the event loop itself when it needs one.
int runProfileCommand(const QStringList& arguments);

} // namespace adminchat
