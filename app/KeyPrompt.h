#pragma once

#include <QString>
#include <optional>

namespace adminchat {

// The API key for `profile add --api-key-stdin`: on a terminal a line typed without echo, else
// all of stdin; trimmed, at most 64 KiB, no spaces or control characters inside. nullopt with a
// one-line *error otherwise. The key itself is never part of the error.
std::optional<QString> readKeyFromStdin(const QString& profile, QString* error);

} // namespace adminchat
