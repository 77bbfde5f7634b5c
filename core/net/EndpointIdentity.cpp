#include "net/EndpointIdentity.h"

#include <QUuid>

namespace adminchat {

namespace {

// The profile names EndpointProfile reserves (demoName, environmentName); repeated here because
// this layer sits below the profiles.
const QString demoProfile = QStringLiteral("Demo");
const QString environmentProfile = QStringLiteral("Environment");

QString withoutTrailingSlashes(QString url)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

} // namespace

QString EndpointIdentity::environmentId(const QString& displayUrl)
{
    return QStringLiteral("env:") + withoutTrailingSlashes(displayUrl);
}

QString EndpointIdentity::legacyProfileId(const QString& profileName)
{
    return QStringLiteral("name:") + profileName;
}

QString EndpointIdentity::newProfileId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString EndpointIdentity::fromProfileName(const QString& profileName, const QString& displayUrl)
{
    if (profileName.isEmpty())
        return {};
    if (profileName == demoProfile)
        return demoId;
    if (profileName == environmentProfile)
        return environmentId(displayUrl);
    return legacyProfileId(profileName);
}

} // namespace adminchat
