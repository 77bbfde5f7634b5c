#pragma once

#include "experiments/ExperimentDefinition.h"
#include "metrics/LatencyCategory.h"
#include "metrics/MetricsFilter.h"
#include "settings/AlertThresholds.h"

#include <QSettings>
#include <memory>
#include <optional>

namespace adminchat {

// How answers appear while they stream: paced into an even flow of words (StreamPacer), or
// each delta as it arrives.
enum class StreamingMode
{
    Smooth,
    Off
};

// The window's colours: the desktop's palette, or a light or dark one forced by the user.
enum class ThemeChoice
{
    System,
    Light,
    Dark
};

// Typed access to the app's settings (QSettings, INI on Linux), with defaults. Never holds a
// secret. Tests use the constructor taking a file path, so they never touch the user's settings.
class AppSettings
{
public:
    AppSettings();                                // the user's settings file
    explicit AppSettings(const QString& iniPath); // a given file (tests, --settings)

    // The user's settings file, shared by everything stored with QSettings (endpoint profiles
    // too): on Linux the INI file $XDG_CONFIG_HOME/AdminChat/adminchat.conf. Needs the
    // application names (setApplicationNames()).
    static QString defaultFileName();

    CategoryRule categoryRule() const;
    void setCategoryRule(const CategoryRule& rule);

    MetricsFilter::Window dashboardWindow() const;
    void setDashboardWindow(MetricsFilter::Window window);

    // display/streaming: smooth (default) or off.
    StreamingMode streamingMode() const;
    void setStreamingMode(StreamingMode mode);
    // display/maxLagMs: the longest smoothing may hold text back; default 100, clamped to
    // [0, maxDisplayLagLimitMs].
    static constexpr int defaultMaxDisplayLagMs = 100;
    static constexpr int maxDisplayLagLimitMs = 1000;
    int maxDisplayLagMs() const;
    void setMaxDisplayLagMs(int ms);
    // metrics/retentionDays: raw request rows older than this are deleted (the dashboard's
    // rollups stay); 0 keeps every row. Default 90, at most 3650.
    static constexpr int defaultRetentionDays = 90;
    static constexpr int maxRetentionDays = 3650;
    int metricsRetentionDays() const;
    void setMetricsRetentionDays(int days);
    // telemetry/servePort: the window serves /metrics for Prometheus on 127.0.0.1 at this port
    // (what `adminchat metrics serve` does); 0, the default, serves nothing.
    static constexpr quint16 suggestedServePort = 9464;
    quint16 metricsServePort() const;
    void setMetricsServePort(quint16 port);

    // alerts/degradedForMinutes, alerts/ttftP95Ms, alerts/ttftForMinutes, alerts/e2eP95Ms,
    // alerts/e2eForMinutes, alerts/errorRatePercent, alerts/errorRateForMinutes,
    // alerts/cooldownS: the watch's alert thresholds (AlertThresholds has the defaults; a
    // profile may override them).
    // alerts/notify: the window shows alerts as desktop notifications (default on).
    bool desktopNotifications() const;
    void setDesktopNotifications(bool on);
    AlertThresholds alertThresholds() const;
    void setAlertThresholds(const AlertThresholds& thresholds);

    // appearance/theme: system (default), light or dark.
    ThemeChoice theme() const;
    void setTheme(ThemeChoice theme);
    static QString themeName(ThemeChoice theme);
    static std::optional<ThemeChoice> themeFromName(const QString& name);
    // display/zoomPercent: the chat's text size relative to the desktop's; default 100, clamped
    // to [minZoomPercent, maxZoomPercent].
    static constexpr int minZoomPercent = 50;
    static constexpr int maxZoomPercent = 300;
    int zoomPercent() const;
    void setZoomPercent(int percent);

    // What the window looked like when it closed (QWidget::saveGeometry, QMainWindow::saveState,
    // QSplitter::saveState) and what it showed: empty when never stored.
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray& geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray& state);
    QByteArray splitterState() const;
    void setSplitterState(const QByteArray& state);
    QString lastProfile() const;
    QString lastModel() const;
    void setLastEndpoint(const QString& profile, const QString& model);
    QString lastConversation() const;
    void setLastConversation(const QString& id);

    // The running A/B experiment, kept as its definition (not the file's path) so it survives
    // the file moving or changing. A stored value that no longer parses is ignored with a
    // warning (and *error says why).
    std::optional<ExperimentDefinition> experiment(QString* error = nullptr) const;
    void setExperiment(const ExperimentDefinition& definition);
    void clearExperiment();

    QString fileName() const { return m_settings->fileName(); }
    void sync() { m_settings->sync(); }

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace adminchat
