#include "HistoryCommand.h"

#include <cstdio>

namespace adminchat {

int runHistoryCommand(const QStringList&)
{
    std::fputs("adminchat history: not available yet\n", stderr);
    return 2;
}

} // namespace adminchat
