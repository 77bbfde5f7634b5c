#include "ProfileCommand.h"

#include <cstdio>

namespace adminchat {

int runProfileCommand(const QStringList&)
{
    std::fputs("adminchat profile: not available yet\n", stderr);
    return 2;
}

} // namespace adminchat
