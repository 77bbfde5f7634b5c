#include "settings/AppSettings.h"

#include <QLoggingCategory>
#include <algorithm>

Q_LOGGING_CATEGORY(lcSettings, "adminchat.settings", QtInfoMsg)

namespace adminchat {

namespace {

const QString categoryMetricKey = QStringLiteral("category/metric");
const QString excellentKey = QStringLiteral("category/excellentBelowMs");
const QString goodKey = QStringLiteral("category/goodBelowMs");
const QString acceptableKey = QStringLiteral("category/acceptableBelowMs");
const QString windowKey = QStringLiteral("dashboard/window");
const QString experimentKey = QStringLiteral("experiment/definition");
const QString streamingKey = QStringLiteral("display/streaming");
const QString maxLagKey = QStringLiteral("display/maxLagMs");
const QString retentionKey = QStringLiteral("metrics/retentionDays");
const QString servePortKey = QStringLiteral("telemetry/servePort");
const QString alertsPrefix = QStringLiteral("alerts/");
const QString themeKey = QStringLiteral("appearance/theme");
const QString zoomKey = QStringLiteral("display/zoomPercent");
const QString geometryKey = QStringLiteral("window/geometry");
const QString stateKey = QStringLiteral("window/state");
const QString splitterKey = QStringLiteral("window/splitter");
const QString lastProfileKey = QStringLiteral("window/lastProfile");
const QString lastModelKey = QStringLiteral("window/lastModel");
const QString lastConversationKey = QStringLiteral("window/lastConversation");

} // namespace

AppSettings::AppSettings() : m_settings(std::make_unique<QSettings>()) {}

QString AppSettings::defaultFileName()
{
    // What the default constructor opens. On Linux QSettings' native format is INI, so the
    // file can be opened as QSettings(path, QSettings::IniFormat) as well.
    return QSettings().fileName();
}

AppSettings::AppSettings(const QString& iniPath)
    : m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{}

CategoryRule AppSettings::categoryRule() const
{
    CategoryRule rule;
    rule.metric = categoryMetricFromName(m_settings->value(categoryMetricKey).toString())
                      .value_or(CategoryMetric::Ttft);
    auto threshold = [this](const QString& key, double fallback) {
        bool ok = false;
        const double value = m_settings->value(key).toDouble(&ok);
        return ok && value > 0 ? value : fallback;
    };
    const CategoryThresholds defaults;
    rule.thresholds.excellentBelowMs = threshold(excellentKey, defaults.excellentBelowMs);
    rule.thresholds.goodBelowMs = threshold(goodKey, defaults.goodBelowMs);
    rule.thresholds.acceptableBelowMs = threshold(acceptableKey, defaults.acceptableBelowMs);
    // Thresholds out of order would make categories meaningless: fall back to the defaults.
    if (!(rule.thresholds.excellentBelowMs < rule.thresholds.goodBelowMs &&
          rule.thresholds.goodBelowMs < rule.thresholds.acceptableBelowMs))
        rule.thresholds = defaults;
    return rule;
}

void AppSettings::setCategoryRule(const CategoryRule& rule)
{
    m_settings->setValue(categoryMetricKey, categoryMetricName(rule.metric));
    m_settings->setValue(excellentKey, rule.thresholds.excellentBelowMs);
    m_settings->setValue(goodKey, rule.thresholds.goodBelowMs);
    m_settings->setValue(acceptableKey, rule.thresholds.acceptableBelowMs);
}

MetricsFilter::Window AppSettings::dashboardWindow() const
{
    const QString name = m_settings->value(windowKey).toString();
    for (auto window : {MetricsFilter::Window::Last5Minutes, MetricsFilter::Window::LastHour,
                        MetricsFilter::Window::Last24Hours, MetricsFilter::Window::All}) {
        if (MetricsFilter::windowName(window) == name)
            return window;
    }
    return MetricsFilter::Window::LastHour;
}

void AppSettings::setDashboardWindow(MetricsFilter::Window window)
{
    m_settings->setValue(windowKey, MetricsFilter::windowName(window));
}

StreamingMode AppSettings::streamingMode() const
{
    const QString name = m_settings->value(streamingKey).toString().trimmed().toLower();
    return name == QLatin1String("off") ? StreamingMode::Off : StreamingMode::Smooth;
}

void AppSettings::setStreamingMode(StreamingMode mode)
{
    m_settings->setValue(streamingKey, mode == StreamingMode::Off ? QStringLiteral("off")
                                                                  : QStringLiteral("smooth"));
}

int AppSettings::maxDisplayLagMs() const
{
    bool ok = false;
    const int ms = m_settings->value(maxLagKey).toInt(&ok);
    return ok ? std::clamp(ms, 0, maxDisplayLagLimitMs) : defaultMaxDisplayLagMs;
}

void AppSettings::setMaxDisplayLagMs(int ms)
{
    m_settings->setValue(maxLagKey, std::clamp(ms, 0, maxDisplayLagLimitMs));
}

bool AppSettings::desktopNotifications() const
{
    return m_settings->value(alertsPrefix + QStringLiteral("notify"), true).toBool();
}

void AppSettings::setDesktopNotifications(bool on)
{
    m_settings->setValue(alertsPrefix + QStringLiteral("notify"), on);
}

AlertThresholds AppSettings::alertThresholds() const
{
    return AlertThresholds::read(*m_settings, alertsPrefix);
}

void AppSettings::setAlertThresholds(const AlertThresholds& thresholds)
{
    thresholds.write(*m_settings, alertsPrefix);
}

int AppSettings::metricsRetentionDays() const
{
    bool ok = false;
    const int days = m_settings->value(retentionKey).toInt(&ok);
    return ok ? std::clamp(days, 0, maxRetentionDays) : defaultRetentionDays;
}

void AppSettings::setMetricsRetentionDays(int days)
{
    m_settings->setValue(retentionKey, std::clamp(days, 0, maxRetentionDays));
}

quint16 AppSettings::metricsServePort() const
{
    bool ok = false;
    const uint port = m_settings->value(servePortKey).toUInt(&ok);
    return ok && port <= 65535 ? quint16(port) : 0;
}

void AppSettings::setMetricsServePort(quint16 port)
{
    m_settings->setValue(servePortKey, port);
}

QString AppSettings::themeName(ThemeChoice theme)
{
    switch (theme) {
    case ThemeChoice::Light:
        return QStringLiteral("light");
    case ThemeChoice::Dark:
        return QStringLiteral("dark");
    case ThemeChoice::System:
        break;
    }
    return QStringLiteral("system");
}

std::optional<ThemeChoice> AppSettings::themeFromName(const QString& name)
{
    const QString key = name.trimmed().toLower();
    for (auto theme : {ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark}) {
        if (themeName(theme) == key)
            return theme;
    }
    return std::nullopt;
}

ThemeChoice AppSettings::theme() const
{
    return themeFromName(m_settings->value(themeKey).toString()).value_or(ThemeChoice::System);
}

void AppSettings::setTheme(ThemeChoice theme)
{
    m_settings->setValue(themeKey, themeName(theme));
}

int AppSettings::zoomPercent() const
{
    bool ok = false;
    const int percent = m_settings->value(zoomKey).toInt(&ok);
    return ok ? std::clamp(percent, minZoomPercent, maxZoomPercent) : 100;
}

void AppSettings::setZoomPercent(int percent)
{
    m_settings->setValue(zoomKey, std::clamp(percent, minZoomPercent, maxZoomPercent));
}

QByteArray AppSettings::windowGeometry() const
{
    return m_settings->value(geometryKey).toByteArray();
}

void AppSettings::setWindowGeometry(const QByteArray& geometry)
{
    m_settings->setValue(geometryKey, geometry);
}

QByteArray AppSettings::windowState() const
{
    return m_settings->value(stateKey).toByteArray();
}

void AppSettings::setWindowState(const QByteArray& state)
{
    m_settings->setValue(stateKey, state);
}

QByteArray AppSettings::splitterState() const
{
    return m_settings->value(splitterKey).toByteArray();
}

void AppSettings::setSplitterState(const QByteArray& state)
{
    m_settings->setValue(splitterKey, state);
}

QString AppSettings::lastProfile() const
{
    return m_settings->value(lastProfileKey).toString();
}

QString AppSettings::lastModel() const
{
    return m_settings->value(lastModelKey).toString();
}

void AppSettings::setLastEndpoint(const QString& profile, const QString& model)
{
    m_settings->setValue(lastProfileKey, profile);
    m_settings->setValue(lastModelKey, model);
}

QString AppSettings::lastConversation() const
{
    return m_settings->value(lastConversationKey).toString();
}

void AppSettings::setLastConversation(const QString& id)
{
    m_settings->setValue(lastConversationKey, id);
}

std::optional<ExperimentDefinition> AppSettings::experiment(QString* error) const
{
    const QString json = m_settings->value(experimentKey).toString();
    if (json.isEmpty())
        return std::nullopt;
    QString why;
    std::optional<ExperimentDefinition> definition =
        ExperimentDefinition::fromJson(json.toUtf8(), &why);
    if (!definition) {
        qCWarning(lcSettings).noquote()
            << QStringLiteral("ignoring the stored experiment: %1").arg(why);
        if (error)
            *error = why;
    }
    return definition;
}

void AppSettings::setExperiment(const ExperimentDefinition& definition)
{
    m_settings->setValue(experimentKey, QString::fromUtf8(definition.toJson()));
}

void AppSettings::clearExperiment()
{
    m_settings->remove(experimentKey);
}

} // namespace adminchat
