#pragma once

#include "endpoints/EndpointProfile.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QString>
#include <functional>

namespace adminchat {

// The values of a profile's secret headers in the keychain (KeyStore), one entry after another.
// Every function is asynchronous and calls `done` once, on the context's thread while it lives.
// Errors are one line and never hold a value.
class ProfileSecrets
{
public:
    using Values = QList<QPair<QByteArray, QByteArray>>;
    using Done = std::function<void(const QString& error)>;
    using Resolved = std::function<void(const EndpointProfile& profile, const QString& error)>;

    // Writes each value; stops at the first error.
    static void write(const QString& profile, const Values& values, QObject* context, Done done);
    // Removes the entries of these headers (one that is not there is fine); tries them all and
    // reports the first error.
    static void remove(const QString& profile, const QList<QByteArray>& headers, QObject* context,
                       Done done);
    // Copies the stored values of these headers from one profile's entries to another's (one
    // that is not stored is skipped).
    static void copy(const QString& from, const QString& to, const QList<QByteArray>& headers,
                     QObject* context, Done done);
    // Fills in the values of the profile's secret headers: from ADMINCHAT_HEADER_<NAME>__<HEADER>
    // when set, else from the keychain. Values an older version left in the settings file
    // (plaintextSecrets) are written into the keychain and dropped from plaintextSecrets; when
    // the keychain does not answer they are kept, with a warning. A value with a control
    // character, or one missing from the keychain, is an error naming where it came from.
    static void resolve(const EndpointProfile& profile, QObject* context, Resolved done);
};

} // namespace adminchat
