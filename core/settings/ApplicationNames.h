#pragma once

namespace adminchat {

// Organisation and application names: they decide where QSettings and QStandardPaths put the
// settings file and the databases, so the GUI and every command must set the same ones.
void setApplicationNames();

} // namespace adminchat
