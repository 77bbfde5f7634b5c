#include "settings/AlertThresholds.h"

#include <QSettings>
#include <array>

namespace adminchat {

namespace {

struct Field
{
    const char* key;
    int AlertThresholds::*value;
    std::optional<int> AlertOverrides::*override; // null: global only
    int maximum;
};

const std::array<Field, 8> fields{{
    {"degradedForMinutes", &AlertThresholds::degradedForMinutes,
     &AlertOverrides::degradedForMinutes, AlertThresholds::maxMinutes},
    {"ttftP95Ms", &AlertThresholds::ttftP95Ms, &AlertOverrides::ttftP95Ms, AlertThresholds::maxMs},
    {"ttftForMinutes", &AlertThresholds::ttftForMinutes, &AlertOverrides::ttftForMinutes,
     AlertThresholds::maxMinutes},
    {"e2eP95Ms", &AlertThresholds::e2eP95Ms, &AlertOverrides::e2eP95Ms, AlertThresholds::maxMs},
    {"e2eForMinutes", &AlertThresholds::e2eForMinutes, &AlertOverrides::e2eForMinutes,
     AlertThresholds::maxMinutes},
    {"errorRatePercent", &AlertThresholds::errorRatePercent, &AlertOverrides::errorRatePercent,
     100},
    {"errorRateForMinutes", &AlertThresholds::errorRateForMinutes,
     &AlertOverrides::errorRateForMinutes, AlertThresholds::maxMinutes},
    {"cooldownS", &AlertThresholds::cooldownS, nullptr, AlertThresholds::maxCooldownS},
}};

// "ttftP95Ms" -> prefix + "TtftP95Ms" when the prefix is a word ("alert"), as is when it
// ends a path ("alerts/").
QString keyOf(const QString& prefix, const char* key)
{
    QString name = QString::fromLatin1(key);
    if (!prefix.isEmpty() && !prefix.endsWith(QLatin1Char('/')))
        name[0] = name[0].toUpper();
    return prefix + name;
}

std::optional<int> number(const QSettings& settings, const QString& key, int maximum)
{
    bool ok = false;
    const qint64 value = settings.value(key).toLongLong(&ok);
    if (!ok || value < 0 || value > maximum)
        return std::nullopt;
    return int(value);
}

} // namespace

AlertThresholds AlertThresholds::overriddenBy(const AlertOverrides& overrides) const
{
    AlertThresholds result = *this;
    for (const Field& field : fields) {
        if (field.override && overrides.*field.override)
            result.*field.value = *(overrides.*field.override);
    }
    return result;
}

AlertThresholds AlertThresholds::read(const QSettings& settings, const QString& prefix)
{
    AlertThresholds result;
    for (const Field& field : fields) {
        if (const auto value = number(settings, keyOf(prefix, field.key), field.maximum))
            result.*field.value = *value;
    }
    return result;
}

void AlertThresholds::write(QSettings& settings, const QString& prefix) const
{
    const AlertThresholds defaults;
    for (const Field& field : fields) {
        const QString key = keyOf(prefix, field.key);
        if (this->*field.value == defaults.*field.value)
            settings.remove(key);
        else
            settings.setValue(key, this->*field.value);
    }
}

AlertOverrides AlertThresholds::readOverrides(const QSettings& settings, const QString& prefix)
{
    AlertOverrides result;
    for (const Field& field : fields) {
        if (field.override)
            result.*field.override = number(settings, keyOf(prefix, field.key), field.maximum);
    }
    return result;
}

void AlertThresholds::writeOverrides(const AlertOverrides& overrides, QSettings& settings,
                                     const QString& prefix)
{
    for (const Field& field : fields) {
        if (!field.override)
            continue;
        const QString key = keyOf(prefix, field.key);
        if (const auto value = overrides.*field.override)
            settings.setValue(key, *value);
        else
            settings.remove(key);
    }
}

} // namespace adminchat
