#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat profile probe NAME [OPTIONS]`: shows and edits how `adminchat watch` probes a saved
// profile (ProbeSettings). Arguments as runProfileCommand gets them. Never touches the keychain.
int runProfileProbeCommand(const QStringList& arguments);

} // namespace adminchat
