#pragma once

#include <QStringList>

namespace adminchat {

// `adminchat serve-demo`: runs the built-in simulated endpoint until interrupted.
int runServeDemoCommand(const QStringList& arguments);

} // namespace adminchat
