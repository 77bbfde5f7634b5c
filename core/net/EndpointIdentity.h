#pragma once

#include <QString>
#include <QStringView>
#include <QUrl>

namespace adminchat {

// The stable id that names an endpoint in the metrics, whatever URL it had on the day: records of
// one endpoint profile group together, and two profiles sharing a URL stay apart.
//  - the built-in Demo endpoint: "demo" (its port changes at every launch);
//  - the Environment profile (OPENAI_BASE_URL): "env:" and its URL, the only identity it has;
//  - a saved profile: the id kept in its settings ("id", a UUID), or, for a profile saved by an
//    older version, "name:" and its name until it is saved again (the database migration gives
//    older records the same id, so they stay with their profile).
class EndpointIdentity
{
public:
    static inline const QString demoId = QStringLiteral("demo");
    // The names of the built-in profiles (EndpointProfile::demoName, environmentName).
    static inline const QString demoProfileName = QStringLiteral("Demo");
    static inline const QString environmentProfileName = QStringLiteral("Environment");

    // "http://host:8000/v1/" and "http://host:8000/v1" name the same endpoint: the URL without
    // its trailing slashes (a view into url).
    static QStringView urlKey(const QString& url);

    static QString environmentId(const QString& displayUrl);
    static QString legacyProfileId(const QString& profileName);
    static QString newProfileId(); // a fresh UUID, no braces
    // For a request that only knows its profile's name and URL: the rules above by name.
    // Empty without a profile (the metrics then group by URL, as before there were ids).
    static QString fromProfileName(const QString& profileName, const QString& displayUrl);
};

} // namespace adminchat
