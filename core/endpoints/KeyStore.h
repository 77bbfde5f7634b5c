#pragma once

#include <QObject>
#include <QString>
#include <functional>
#include <optional>

namespace adminchat {

// API keys and secret header values in the OS keychain through QtKeychain (Secret Service on
// Linux): service "adminchat", one entry per profile keyed by the profile's name for the key, and
// one per secret header keyed "<profile>/header/<header name in lower case>". Asynchronous;
// callbacks run on the caller's thread with `context` alive. When no keychain service answers, the
// error says so and names the environment variable to use instead; a key is never stored anywhere
// else.
class KeyStore : public QObject
{
    Q_OBJECT
public:
    static inline const QString serviceName = QStringLiteral("adminchat");

    struct Result
    {
        bool ok = false;       // read: a key was found; write/remove: done (removing none is ok)
        QString key;           // read only
        bool notFound = false; // read: no key stored for this profile (not an error)
        QString error;         // one line, never contains the key
    };
    using Callback = std::function<void(const Result&)>;

    explicit KeyStore(QObject* parent = nullptr);

    void readKey(const QString& profile, QObject* context, Callback done);
    void writeKey(const QString& profile, const QString& key, QObject* context, Callback done);
    void removeKey(const QString& profile, QObject* context, Callback done);
    // The same for the value of a profile's secret header (Result::key holds the value).
    void readHeaderValue(const QString& profile, const QByteArray& header, QObject* context,
                         Callback done);
    void writeHeaderValue(const QString& profile, const QByteArray& header, const QString& value,
                          QObject* context, Callback done);
    void removeHeaderValue(const QString& profile, const QByteArray& header, QObject* context,
                           Callback done);
    static QString headerAccount(const QString& profile, const QByteArray& header);

    // ADMINCHAT_API_KEY_<NAME>: the profile's name upper-cased, other than A-Z and 0-9 as '_'.
    // When set, it is used instead of the keychain (and is how to pass a key without one).
    static QString environmentVariable(const QString& profile);
    // The key from that variable, if set, without surrounding white space.
    static std::optional<QString> keyFromEnvironment(const QString& profile);
    // ADMINCHAT_HEADER_<NAME>__<HEADER>: the profile's and the header's names spelled as above,
    // e.g. ADMINCHAT_HEADER_AZURE__API_KEY. When set, used instead of the keychain.
    static QString headerVariable(const QString& profile, const QByteArray& header);
    static std::optional<QString> headerValueFromEnvironment(const QString& profile,
                                                             const QByteArray& header);
};

} // namespace adminchat
