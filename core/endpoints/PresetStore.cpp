#include "endpoints/PresetStore.h"

#include "endpoints/EndpointsLog.h"
#include "settings/AppSettings.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace adminchat {

namespace {

const QString arrayName = QStringLiteral("presets");
const QString nameKey = QStringLiteral("name");
const QString profileKey = QStringLiteral("profile");
const QString modelKey = QStringLiteral("model");
const QString defaultKey = QStringLiteral("default");
const QString parametersKey = QStringLiteral("parameters");

int specificity(const ParameterPreset& preset)
{
    return (preset.model.isEmpty() ? 0 : 2) + (preset.profile.isEmpty() ? 0 : 1);
}

} // namespace

PresetStore::PresetStore()
    : m_settings(std::make_unique<QSettings>(AppSettings::defaultFileName(), QSettings::IniFormat))
{}

PresetStore::PresetStore(const QString& iniPath)
    : m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{}

QList<ParameterPreset> PresetStore::presets() const
{
    QList<ParameterPreset> result;
    const int count = m_settings->beginReadArray(arrayName);
    for (int i = 0; i < count; ++i) {
        m_settings->setArrayIndex(i);
        ParameterPreset preset;
        preset.name = m_settings->value(nameKey).toString();
        preset.profile = m_settings->value(profileKey).toString();
        preset.model = m_settings->value(modelKey).toString();
        preset.isDefault = m_settings->value(defaultKey).toBool();
        QString error;
        const QJsonObject json =
            QJsonDocument::fromJson(m_settings->value(parametersKey).toString().toUtf8()).object();
        const std::optional<RequestParameters> parameters =
            RequestParameters::fromJson(json, &error);
        // A preset edited by hand into something invalid is left out, not sent half-read.
        if (preset.name.isEmpty() || !parameters) {
            qCWarning(lcEndpoints) << "preset" << preset.name << "skipped:" << error;
            continue;
        }
        preset.parameters = *parameters;
        result.append(preset);
    }
    m_settings->endArray();
    std::sort(result.begin(), result.end(), [](const ParameterPreset& a, const ParameterPreset& b) {
        const int order = a.name.compare(b.name, Qt::CaseInsensitive);
        return order != 0 ? order < 0 : a.name < b.name;
    });
    return result;
}

std::optional<ParameterPreset> PresetStore::find(const QString& name) const
{
    const QList<ParameterPreset> all = presets();
    std::optional<ParameterPreset> caseless;
    int caselessCount = 0;
    for (const ParameterPreset& preset : all) {
        if (preset.name == name)
            return preset;
        if (preset.name.compare(name, Qt::CaseInsensitive) == 0) {
            caseless = preset;
            ++caselessCount;
        }
    }
    return caselessCount == 1 ? caseless : std::nullopt;
}

bool PresetStore::save(const ParameterPreset& preset, QString* error)
{
    ParameterPreset saved = preset;
    saved.name = preset.name.trimmed();
    if (saved.name.isEmpty()) {
        if (error)
            *error = QStringLiteral("a preset needs a name");
        return false;
    }
    if (const QString invalid = saved.parameters.validationError(); !invalid.isEmpty()) {
        if (error)
            *error = invalid;
        return false;
    }
    QList<ParameterPreset> all = presets();
    all.removeIf([&](const ParameterPreset& p) { return p.name == saved.name; });
    if (saved.isDefault) {
        for (ParameterPreset& other : all) {
            if (other.sameScope(saved))
                other.isDefault = false;
        }
    }
    all.append(saved);
    return write(all, error);
}

bool PresetStore::remove(const QString& name)
{
    QList<ParameterPreset> all = presets();
    if (all.removeIf([&](const ParameterPreset& p) { return p.name == name; }) == 0)
        return false;
    return write(all, nullptr);
}

std::optional<ParameterPreset> PresetStore::defaultFor(const QString& profile,
                                                       const QString& model) const
{
    std::optional<ParameterPreset> best;
    for (const ParameterPreset& preset : presets()) {
        if (preset.isDefault && preset.appliesTo(profile, model) &&
            (!best || specificity(preset) > specificity(*best)))
            best = preset;
    }
    return best;
}

bool PresetStore::write(const QList<ParameterPreset>& presets, QString* error)
{
    m_settings->remove(arrayName);
    m_settings->beginWriteArray(arrayName, int(presets.size()));
    for (int i = 0; i < presets.size(); ++i) {
        const ParameterPreset& preset = presets[i];
        m_settings->setArrayIndex(i);
        m_settings->setValue(nameKey, preset.name);
        m_settings->setValue(profileKey, preset.profile);
        m_settings->setValue(modelKey, preset.model);
        m_settings->setValue(defaultKey, preset.isDefault);
        m_settings->setValue(
            parametersKey,
            QString::fromUtf8(
                QJsonDocument(preset.parameters.toJson()).toJson(QJsonDocument::Compact)));
    }
    m_settings->endArray();
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError) {
        if (error)
            *error = QStringLiteral("cannot write the settings file %1").arg(fileName());
        return false;
    }
    return true;
}

QString PresetStore::fileName() const
{
    return m_settings->fileName();
}

void PresetStore::sync()
{
    m_settings->sync();
}

} // namespace adminchat
