#pragma once

#include "endpoints/EndpointProfile.h"
#include "endpoints/KeyStore.h"
#include "net/EndpointConfig.h"

#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace adminchat {

// Turns a profile name into a ready EndpointConfig, key included, asynchronously:
//  - a saved profile (ProfileStore), its key from ADMINCHAT_API_KEY_<NAME> when set, else from
//    the keychain when the profile has one there, else none;
//  - "Environment" (EndpointProfile::fromEnvironment), its key from OPENAI_API_KEY.
// "Demo" is not resolved here: callers run the demo server themselves. Names match exactly,
// else case-insensitively when that is unambiguous.
class ProfileResolver : public QObject
{
    Q_OBJECT
public:
    struct Result
    {
        std::optional<EndpointProfile> profile; // set when the name was found
        EndpointConfig config;                  // ready to use when error is empty
        QString error;                          // one line, never contains a key
        // The error is in what the user gave (OPENAI_BASE_URL, a key in the environment): a
        // command exits with 2, as for bad usage.
        bool badInput = false;
        bool ok() const { return error.isEmpty(); }
    };
    using Callback = std::function<void(const Result&)>;

    explicit ProfileResolver(QObject* parent = nullptr); // the user's settings file
    explicit ProfileResolver(const QString& iniPath, QObject* parent = nullptr);

    // `done` runs later on the caller's thread while `context` lives, never from within.
    void resolve(const QString& name, QObject* context, Callback done);

    // "A, B, Environment, Demo": what resolve() knows, for messages.
    QStringList knownNames() const;

private:
    QString m_iniPath; // empty: the user's settings file
    KeyStore m_keys;
};

} // namespace adminchat
