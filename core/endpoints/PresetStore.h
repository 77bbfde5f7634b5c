#pragma once

#include "endpoints/ParameterPreset.h"

#include <QList>
#include <QSettings>
#include <memory>
#include <optional>

namespace adminchat {

// Parameter presets in the app's settings file, beside the endpoint profiles (ProfileStore):
// an array "presets" of name, profile, model, default and parameters (RequestParameters as
// JSON). Nothing secret is in a preset. Tests pass their own file.
class PresetStore
{
public:
    PresetStore();                                // the user's settings file
    explicit PresetStore(const QString& iniPath); // a given file (tests)

    QList<ParameterPreset> presets() const; // sorted by name, case-insensitively
    // The exact name, else the one preset whose name differs only in case (as typed).
    std::optional<ParameterPreset> find(const QString& name) const;
    // Adds, or replaces the preset of that name. A default one takes the mark from any other
    // preset of the same scope. False with a one-line *error for an empty name or an invalid
    // parameter (naming the field) or a write failure.
    bool save(const ParameterPreset& preset, QString* error = nullptr);
    bool remove(const QString& name);
    // The default preset for a new conversation on this profile and model: the most specific
    // default that applies (profile and model, then model, then profile, then any).
    std::optional<ParameterPreset> defaultFor(const QString& profile, const QString& model) const;

    QString fileName() const;
    void sync();

private:
    bool write(const QList<ParameterPreset>& presets, QString* error);

    std::unique_ptr<QSettings> m_settings;
};

} // namespace adminchat
