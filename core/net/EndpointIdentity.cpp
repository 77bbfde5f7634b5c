#include "net/EndpointIdentity.h"

#include <QUuid>

namespace adminchat {

QStringView EndpointIdentity::urlKey(const QString& url)
{
    QStringView view(url);
    while (view.endsWith(QLatin1Char('/')))
        view.chop(1);
    return view;
}

QString EndpointIdentity::environmentId(const QString& displayUrl)
{
    return QStringLiteral("env:") + urlKey(displayUrl).toString();
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
    if (profileName == demoProfileName)
        return demoId;
    if (profileName == environmentProfileName)
        return environmentId(displayUrl);
    return legacyProfileId(profileName);
}

} // namespace adminchat
