#include "endpoints/ProfileResolver.h"

#include "endpoints/ProfileStore.h"

#include <QPointer>

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
            result.error =
                base.isEmpty()
                    ? QStringLiteral("the Environment profile needs OPENAI_BASE_URL to be set")
                    : QStringLiteral("OPENAI_BASE_URL is not an http(s) URL: \"%1\"")
                          .arg(EndpointConfig::displayUrl(QUrl::fromUserInput(base)));
        } else {
            result.config = result.profile->toConfig(qEnvironmentVariable("OPENAI_API_KEY"));
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

    if (const std::optional<QString> key = KeyStore::keyFromEnvironment(profile->name)) {
        result.config = profile->toConfig(*key);
        deliver(context, done, std::move(result));
        return;
    }
    if (!profile->hasKey) {
        result.config = profile->toConfig(QString());
        deliver(context, done, std::move(result));
        return;
    }
    m_keys.readKey(
        profile->name, context, [profile = *profile, done](const KeyStore::Result& read) {
            Result result;
            result.profile = profile;
            if (read.ok) {
                result.config = profile.toConfig(read.key);
            } else if (read.notFound) {
                result.error = QStringLiteral("the key of profile \"%1\" is missing from the "
                                              "keychain; store it again with `adminchat profile "
                                              "add \"%1\" --replace --api-key-stdin ...` or set "
                                              "%2")
                                   .arg(profile.name, KeyStore::environmentVariable(profile.name));
            } else {
                result.error = read.error;
            }
            if (done)
                done(result);
        });
}

} // namespace adminchat
