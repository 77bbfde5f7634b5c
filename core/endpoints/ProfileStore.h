#pragma once

#include "endpoints/EndpointProfile.h"

#include <QList>
#include <QSettings>
#include <memory>
#include <optional>

namespace adminchat {

// Saved endpoint profiles in the app's settings file (QSettings, group "profiles"), without
// their keys. Tests pass their own file.
class ProfileStore
{
public:
    ProfileStore();                                // the user's settings file
    explicit ProfileStore(const QString& iniPath); // a given file (tests, --settings)

    QList<EndpointProfile> profiles() const; // sorted by name, case-insensitively
    std::optional<EndpointProfile> profile(const QString& name) const;
    bool contains(const QString& name) const;
    // Adds or replaces by name; false with a one-line *error for an invalid name or URL.
    bool save(const EndpointProfile& profile, QString* error = nullptr);
    bool remove(const QString& name);
    void setSendStreamOptions(const QString& name, bool send);

    QString fileName() const;
    void sync();

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace adminchat
