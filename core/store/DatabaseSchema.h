#pragma once

#include <QStringList>
#include <vector>

namespace adminchat {

// The app database's schema as migration steps: step i takes PRAGMA user_version from i to
// i + 1. Append new steps; never edit a shipped one, since databases out there already ran it.
struct DatabaseSchema
{
    static constexpr int version = 10;
    static const std::vector<QStringList>& steps();
};

} // namespace adminchat
