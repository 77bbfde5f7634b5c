#pragma once

#include "endpoints/EndpointProfile.h"

#include <QHash>
#include <QList>
#include <QSettings>
#include <memory>
#include <optional>

namespace adminchat {

// Saved endpoint profiles in the app's settings file (QSettings, INI), without their keys:
// group "profiles/<name encoded as a key>" holds the name as typed, baseUrl, defaultModel,
// headers ("K: V" list), the timeouts, caFile, providerName, sendStreamOptions, sendPrediction,
// hasKey and the
// probe settings (ProbeSettings, "probe..." keys). Names
// are case-sensitive but two names may not differ only in case. Tests pass their own file.
class ProfileStore
{
public:
    ProfileStore();                                // the user's settings file
    explicit ProfileStore(const QString& iniPath); // a given file (tests, --settings)

    QList<EndpointProfile> profiles() const; // sorted by name, case-insensitively
    // Profile name -> provider name, for the profiles that set one (the telemetry's labels).
    QHash<QString, QString> providerNames() const;
    std::optional<EndpointProfile> profile(const QString& name) const;
    // As typed by a person: the exact name, else the one profile whose name differs only in
    // case.
    std::optional<EndpointProfile> find(const QString& name) const;
    bool contains(const QString& name) const;
    // Adds or replaces by name; false with a one-line *error for an invalid name or URL (also a
    // URL with user info or a query, which could carry a secret) or a write failure.
    bool save(const EndpointProfile& profile, QString* error = nullptr);
    // What save() would refuse, without saving: empty when the profile can be saved.
    QString validationError(const EndpointProfile& profile) const;
    bool remove(const QString& name);
    void setSendStreamOptions(const QString& name, bool send);

    QString fileName() const;
    void sync();

private:
    std::optional<EndpointProfile> read(const QString& key, const QString& name) const;

    std::unique_ptr<QSettings> m_settings;
};

} // namespace adminchat
