#pragma once

#include "metrics/LatencyCategory.h"
#include "settings/AppSettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace adminchat {

class AlertPreferences;
struct AlertThresholds;

// Edit > Preferences: latency categories (metric and thresholds), how answers stream onto the
// screen, the theme, how long raw request records are kept, and where the data lives. Every
// change is stored through AppSettings and announced at once (no Apply button, as the desktop
// guidelines ask of instant-apply dialogs); thresholds out of order are refused with a message
// and not stored.
class PreferencesDialog : public QDialog
{
    Q_OBJECT
public:
    PreferencesDialog(AppSettings* settings, const QString& dataFolder, QWidget* parent = nullptr);

    // Shows the stored values again (the dialog is kept between openings).
    void reload();

signals:
    void categoryRuleChanged(const adminchat::CategoryRule& rule);
    void streamingChanged(adminchat::StreamingMode mode, int maxLagMs);
    void themeChanged(adminchat::ThemeChoice theme);
    void retentionChanged(int days);
    void metricsServeChanged(quint16 port); // 0: off
    void alertThresholdsChanged(const adminchat::AlertThresholds& thresholds);
    void notificationsChanged(bool on);
    void openDataFolderRequested();

private:
    QWidget* buildCategories();
    QWidget* buildDisplay();
    QWidget* buildData(const QString& dataFolder);
    void applyCategories();
    void applyStreaming();
    void applyTheme();
    void applyRetention();
    void applyMetricsServe();

    AppSettings* m_settings;
    bool m_loading = false; // reload() fills the fields: nothing to store
    QComboBox* m_metric = nullptr;
    QSpinBox* m_excellent = nullptr;
    QSpinBox* m_good = nullptr;
    QSpinBox* m_acceptable = nullptr;
    QLabel* m_categoryError = nullptr;
    QComboBox* m_streaming = nullptr;
    QSpinBox* m_maxLag = nullptr;
    QComboBox* m_theme = nullptr;
    QSpinBox* m_retention = nullptr;
    AlertPreferences* m_alerts = nullptr;
    QCheckBox* m_serveMetrics = nullptr;
    QSpinBox* m_servePort = nullptr;
    QLineEdit* m_dataFolder = nullptr;
};

} // namespace adminchat
