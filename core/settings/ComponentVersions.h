#pragma once

#include <QString>

namespace adminchat {

// The versions the About dialog names: this build, and the libraries it runs with (read at run
// time, so a distribution's update shows).
struct ComponentVersions
{
    QString adminchat;
    QString qt;      // the Qt libraries loaded, which may be newer than the headers built against
    QString libcurl; // empty when unknown
    QString sqlite;  // the SQLite Qt's driver runs on; empty when the driver is missing

    static ComponentVersions current();
};

} // namespace adminchat
