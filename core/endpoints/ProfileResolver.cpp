#include "endpoints/ProfileResolver.h"

#include "endpoints/EndpointsLog.h"
#include "endpoints/ProfileSecrets.h"
#include "endpoints/ProfileStore.h"

#include <QPointer>
#include <algorithm>

namespace adminchat {

namespace {

// Calls `done` from the event loop, on the context's thread, unless the context is gone.
void deliver(QObject* context, const ProfileResolver::Callback& done,
             ProfileResolver::Result result)
{
    if (!context || !done)
        return;
    QMetaObject::invokeMethod(
        context, [done, result = std::move(result)] { done(result); }, Qt::QueuedConnection);
}

} // namespace

ProfileResolver::ProfileResolver(QObject* parent) : QObject(parent) {}

ProfileResolver::ProfileResolver(const QString& iniPath, QObject* parent)
    : QObject(parent), m_iniPath(iniPath)
{}

QStringList ProfileResolver::knownNames() const
{
    const ProfileStore store = m_iniPath.isEmpty() ? ProfileStore() : ProfileStore(m_iniPath);
    QStringList names;
    for (const EndpointProfile& profile : store.profiles())
        names << profile.name;
    if (EndpointProfile::fromEnvironment())
        names << EndpointProfile::environmentName;
    names << EndpointProfile::demoName;
    return names;
}

void ProfileResolver::resolve(const QString& name, QObject* context, Callback done)
{
    Result result;
    if (name.compare(EndpointProfile::demoName, Qt::CaseInsensitive) == 0) {
        result.error = QStringLiteral("\"Demo\" is the built-in simulated endpoint, not a profile "
                                      "to resolve: run it with `adminchat serve-demo`");
        deliver(context, done, std::move(result));
        return;
    }
    if (name.compare(EndpointProfile::environmentName, Qt::CaseInsensitive) == 0) {
        result.profile = EndpointProfile::fromEnvironment();
        if (!result.profile) {
            const QString base = qEnvironmentVariable("OPENAI_BASE_URL").trimmed();
            QString error;
            EndpointConfig::parseBaseUrl(base, &error, QStringLiteral("OPENAI_BASE_URL"));
            result.error =
                base.isEmpty()
                    ? QStringLiteral("the Environment profile needs OPENAI_BASE_URL to be set")
                    : error;
            result.badInput = true;
        } else {
            const QString key = qEnvironmentVariable("OPENAI_API_KEY").trimmed();
            result.error = EndpointConfig::controlCharacterError(
                key, QStringLiteral("the API key in OPENAI_API_KEY"));
            result.badInput = !result.ok();
            if (result.ok())
                result.config = result.profile->toConfig(key);
        }
        deliver(context, done, std::move(result));
        return;
    }

    const ProfileStore store = m_iniPath.isEmpty() ? ProfileStore() : ProfileStore(m_iniPath);
    const std::optional<EndpointProfile> profile = store.find(name);
    if (!profile) {
        result.error = QStringLiteral("no profile named \"%1\"; known: %2")
                           .arg(name, knownNames().join(QStringLiteral(", ")));
        deliver(context, done, std::move(result));
        return;
    }
    result.profile = profile;

    // The key first, then the values of the secret headers.
    const QString iniPath = m_iniPath;
    const auto withKey = [iniPath, context, done](Result result, const QString& key) {
        const EndpointProfile& profile = *result.profile;
        const bool secrets =
            std::any_of(profile.extraHeaders.cbegin(), profile.extraHeaders.cend(),
                        [&](const auto& header) { return profile.isSecretHeader(header.first); });
        if (!result.ok() || !secrets) {
            if (result.ok())
                result.config = profile.toConfig(key);
            return deliver(context, done, std::move(result));
        }
        const EndpointProfile stored = *result.profile;
        ProfileSecrets::resolve(
            stored, context,
            [iniPath, key, done, stored](const EndpointProfile& profile, const QString& error) {
                Result result;
                result.profile = profile;
                result.error = error;
                if (result.ok())
                    result.config = profile.toConfig(key);
                // Every plaintext value now in the keychain: the settings file stops holding them.
                if (!stored.plaintextSecrets.isEmpty() && profile.plaintextSecrets.isEmpty()) {
                    ProfileStore store = iniPath.isEmpty() ? ProfileStore() : ProfileStore(iniPath);
                    QString saveError;
                    if (!store.save(profile, &saveError))
                        qCWarning(lcEndpoints).noquote() << saveError;
                }
                if (done)
                    done(result);
            });
    };

    if (const std::optional<QString> key = KeyStore::keyFromEnvironment(profile->name)) {
        result.error = EndpointConfig::controlCharacterError(
            *key,
            QStringLiteral("the API key in %1").arg(KeyStore::environmentVariable(profile->name)));
        result.badInput = !result.ok();
        return withKey(std::move(result), *key);
    }
    if (!profile->hasKey)
        return withKey(std::move(result), QString());
    m_keys.readKey(
        profile->name, context, [profile = *profile, withKey](const KeyStore::Result& read) {
            Result result;
            result.profile = profile;
            const QString key = read.key.trimmed();
            if (read.ok) {
                result.error = EndpointConfig::controlCharacterError(
                    key, QStringLiteral("the API key of profile \"%1\" in the keychain")
                             .arg(profile.name));
                if (!result.ok())
                    result.error += QStringLiteral("; store it again with `adminchat profile add "
                                                   "\"%1\" --replace --api-key-stdin ...`")
                                        .arg(profile.name);
            } else if (read.notFound) {
                result.error = QStringLiteral("the key of profile \"%1\" is missing from the "
                                              "keychain; store it again with `adminchat profile "
                                              "add \"%1\" --replace --api-key-stdin ...` or set "
                                              "%2")
                                   .arg(profile.name, KeyStore::environmentVariable(profile.name));
            } else {
                result.error = read.error;
            }
            withKey(std::move(result), key);
        });
}

} // namespace adminchat
