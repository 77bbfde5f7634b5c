#include "PreferencesDialog.h"

#include "AlertPreferences.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

Q_LOGGING_CATEGORY(lcPreferences, "adminchat.preferences", QtInfoMsg)

namespace adminchat {

namespace {

QSpinBox* msBox(const QString& objectName, const QString& accessibleName, QWidget* parent)
{
    auto* box = new QSpinBox(parent);
    box->setObjectName(objectName);
    box->setAccessibleName(accessibleName);
    box->setRange(1, 600'000);
    box->setSingleStep(100);
    box->setSuffix(QStringLiteral(" ms"));
    box->setKeyboardTracking(false); // stored when typing ends, not at every digit
    return box;
}

} // namespace

PreferencesDialog::PreferencesDialog(AppSettings* settings, const QString& dataFolder,
                                     QWidget* parent)
    : QDialog(parent), m_settings(settings)
{
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    // Two pages, so that the dialog fits a small screen: what the window shows and keeps, and
    // what the endpoint watch says.
    auto* layout = new QVBoxLayout(this);
    auto* pages = new QTabWidget(this);
    pages->setObjectName(QStringLiteral("preferencePages"));
    pages->setDocumentMode(true);
    auto* general = new QWidget(pages);
    auto* generalLayout = new QVBoxLayout(general);
    generalLayout->addWidget(buildCategories());
    generalLayout->addWidget(buildDisplay());
    generalLayout->addWidget(buildData(dataFolder));
    generalLayout->addStretch(1);
    pages->addTab(general, tr("&General"));
    auto* watch = new QWidget(pages);
    auto* watchLayout = new QVBoxLayout(watch);
    m_alerts = new AlertPreferences(watch);
    watchLayout->addWidget(m_alerts);
    watchLayout->addStretch(1);
    pages->addTab(watch, tr("&Alerts"));
    layout->addWidget(pages);
    connect(m_alerts, &AlertPreferences::thresholdsEdited, this,
            [this](const AlertThresholds& thresholds) {
                m_settings->setAlertThresholds(thresholds);
                emit alertThresholdsChanged(thresholds);
            });
    connect(m_alerts, &AlertPreferences::notificationsToggled, this, [this](bool on) {
        m_settings->setDesktopNotifications(on);
        emit notificationsChanged(on);
    });
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    reload();

    connect(m_metric, &QComboBox::currentIndexChanged, this, &PreferencesDialog::applyCategories);
    for (QSpinBox* box : {m_excellent, m_good, m_acceptable})
        connect(box, &QSpinBox::valueChanged, this, &PreferencesDialog::applyCategories);
    connect(m_streaming, &QComboBox::currentIndexChanged, this, &PreferencesDialog::applyStreaming);
    connect(m_maxLag, &QSpinBox::valueChanged, this, &PreferencesDialog::applyStreaming);
    connect(m_theme, &QComboBox::currentIndexChanged, this, &PreferencesDialog::applyTheme);
    connect(m_retention, &QSpinBox::valueChanged, this, &PreferencesDialog::applyRetention);
}

QWidget* PreferencesDialog::buildCategories()
{
    auto* group = new QGroupBox(tr("Latency categories"), this);
    auto* form = new QFormLayout(group);
    m_metric = new QComboBox(group);
    m_metric->setObjectName(QStringLiteral("categoryMetric"));
    m_metric->addItem(tr("Time to first token (TTFT)"), int(CategoryMetric::Ttft));
    m_metric->addItem(tr("Time to first answer token (TTFAT)"), int(CategoryMetric::Ttfat));
    m_metric->addItem(tr("End to end (E2E)"), int(CategoryMetric::E2e));
    m_excellent = msBox(QStringLiteral("excellentBelow"), tr("Excellent below"), group);
    m_good = msBox(QStringLiteral("goodBelow"), tr("Good below"), group);
    m_acceptable = msBox(QStringLiteral("acceptableBelow"), tr("Acceptable below"), group);
    m_categoryError = new QLabel(group);
    m_categoryError->setObjectName(QStringLiteral("categoryError"));
    m_categoryError->setWordWrap(true);
    m_categoryError->hide();
    form->addRow(tr("Judge requests on:"), m_metric);
    form->addRow(tr("&Excellent below:"), m_excellent);
    form->addRow(tr("&Good below:"), m_good);
    form->addRow(tr("&Acceptable below:"), m_acceptable);
    form->addRow(m_categoryError);
    auto* note = new QLabel(tr("Slower requests count as slow. The dashboard recounts its "
                               "categories with the new thresholds."),
                            group);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(note);
    return group;
}

QWidget* PreferencesDialog::buildDisplay()
{
    auto* group = new QGroupBox(tr("Display"), this);
    auto* form = new QFormLayout(group);
    m_streaming = new QComboBox(group);
    m_streaming->setObjectName(QStringLiteral("streamingMode"));
    m_streaming->addItem(tr("Smooth: paced into an even flow"), int(StreamingMode::Smooth));
    m_streaming->addItem(tr("As it arrives"), int(StreamingMode::Off));
    m_maxLag = new QSpinBox(group);
    m_maxLag->setObjectName(QStringLiteral("maxDisplayLag"));
    m_maxLag->setAccessibleName(tr("Longest delay of smooth streaming"));
    m_maxLag->setRange(0, AppSettings::maxDisplayLagLimitMs);
    m_maxLag->setSingleStep(10);
    m_maxLag->setSuffix(QStringLiteral(" ms"));
    m_maxLag->setKeyboardTracking(false);
    m_maxLag->setToolTip(tr("The longest time smoothing may hold text back"));
    m_theme = new QComboBox(group);
    m_theme->setObjectName(QStringLiteral("themeChoice"));
    m_theme->addItem(tr("Follow the system"), int(ThemeChoice::System));
    m_theme->addItem(tr("Light"), int(ThemeChoice::Light));
    m_theme->addItem(tr("Dark"), int(ThemeChoice::Dark));
    form->addRow(tr("&Streaming answers:"), m_streaming);
    form->addRow(tr("&Longest delay:"), m_maxLag);
    form->addRow(tr("&Theme:"), m_theme);
    return group;
}

QWidget* PreferencesDialog::buildData(const QString& dataFolder)
{
    auto* group = new QGroupBox(tr("Data"), this);
    auto* form = new QFormLayout(group);
    m_retention = new QSpinBox(group);
    m_retention->setObjectName(QStringLiteral("retentionDays"));
    m_retention->setRange(0, AppSettings::maxRetentionDays);
    m_retention->setSuffix(tr(" days"));
    m_retention->setSpecialValueText(tr("Keep every record"));
    m_retention->setKeyboardTracking(false);
    m_retention->setToolTip(tr("Request records older than this are deleted; the dashboard's "
                               "hourly and daily figures stay"));
    auto* folderRow = new QHBoxLayout;
    m_dataFolder = new QLineEdit(dataFolder, group);
    m_dataFolder->setObjectName(QStringLiteral("dataFolder"));
    m_dataFolder->setAccessibleName(tr("Data folder"));
    m_dataFolder->setReadOnly(true);
    auto* open = new QPushButton(tr("&Open"), group);
    open->setObjectName(QStringLiteral("openDataFolder"));
    open->setAccessibleName(tr("Open the data folder"));
    open->setToolTip(tr("Show the folder in the file manager"));
    connect(open, &QPushButton::clicked, this, &PreferencesDialog::openDataFolderRequested);
    folderRow->addWidget(m_dataFolder, 1);
    folderRow->addWidget(open);
    form->addRow(tr("&Keep request records:"), m_retention);
    form->addRow(tr("Data folder:"), folderRow);

    // What `adminchat metrics serve` does, from the window: loopback only (the metrics name
    // models and endpoints); a server beyond this machine is the command's --allow-remote.
    auto* serveRow = new QHBoxLayout;
    m_serveMetrics = new QCheckBox(tr("For &Prometheus at http://127.0.0.1:"), group);
    m_serveMetrics->setObjectName(QStringLiteral("serveMetrics"));
    m_serveMetrics->setToolTip(tr("Serve /metrics (histograms of TTFT, E2E and inter-token "
                                  "gaps, token usage, errors) from this machine's records "
                                  "while the window is open"));
    m_servePort = new QSpinBox(group);
    m_servePort->setObjectName(QStringLiteral("servePort"));
    m_servePort->setAccessibleName(tr("Metrics port"));
    m_servePort->setRange(1, 65535);
    m_servePort->setKeyboardTracking(false);
    m_servePort->setGroupSeparatorShown(false);
    serveRow->addWidget(m_serveMetrics);
    serveRow->addWidget(m_servePort);
    serveRow->addWidget(new QLabel(QStringLiteral("/metrics"), group));
    serveRow->addStretch(1);
    form->addRow(tr("Serve metrics:"), serveRow);
    connect(m_serveMetrics, &QCheckBox::toggled, this, &PreferencesDialog::applyMetricsServe);
    connect(m_servePort, &QSpinBox::valueChanged, this, &PreferencesDialog::applyMetricsServe);
    return group;
}

void PreferencesDialog::reload()
{
    m_loading = true;
    const CategoryRule rule = m_settings->categoryRule();
    m_metric->setCurrentIndex(m_metric->findData(int(rule.metric)));
    m_excellent->setValue(qRound(rule.thresholds.excellentBelowMs));
    m_good->setValue(qRound(rule.thresholds.goodBelowMs));
    m_acceptable->setValue(qRound(rule.thresholds.acceptableBelowMs));
    m_categoryError->hide();
    m_streaming->setCurrentIndex(m_streaming->findData(int(m_settings->streamingMode())));
    m_maxLag->setValue(m_settings->maxDisplayLagMs());
    m_theme->setCurrentIndex(m_theme->findData(int(m_settings->theme())));
    m_retention->setValue(m_settings->metricsRetentionDays());
    const quint16 port = m_settings->metricsServePort();
    m_serveMetrics->setChecked(port != 0);
    m_servePort->setValue(port ? port : AppSettings::suggestedServePort);
    m_servePort->setEnabled(port != 0);
    m_alerts->setValues(m_settings->desktopNotifications(), m_settings->alertThresholds());
    m_loading = false;
}

void PreferencesDialog::applyCategories()
{
    if (m_loading)
        return;
    CategoryRule rule;
    rule.metric = CategoryMetric(m_metric->currentData().toInt());
    rule.thresholds.excellentBelowMs = m_excellent->value();
    rule.thresholds.goodBelowMs = m_good->value();
    rule.thresholds.acceptableBelowMs = m_acceptable->value();
    const bool ordered = rule.thresholds.excellentBelowMs < rule.thresholds.goodBelowMs &&
                         rule.thresholds.goodBelowMs < rule.thresholds.acceptableBelowMs;
    m_categoryError->setVisible(!ordered);
    if (!ordered) {
        m_categoryError->setText(
            tr("Each threshold must be above the one before it: not stored yet."));
        return;
    }
    m_settings->setCategoryRule(rule);
    qCDebug(lcPreferences) << "category rule" << categoryMetricName(rule.metric)
                           << rule.thresholds.excellentBelowMs << rule.thresholds.goodBelowMs
                           << rule.thresholds.acceptableBelowMs;
    emit categoryRuleChanged(rule);
}

void PreferencesDialog::applyStreaming()
{
    if (m_loading)
        return;
    const auto mode = StreamingMode(m_streaming->currentData().toInt());
    m_maxLag->setEnabled(mode == StreamingMode::Smooth);
    m_settings->setStreamingMode(mode);
    m_settings->setMaxDisplayLagMs(m_maxLag->value());
    emit streamingChanged(mode, m_maxLag->value());
}

void PreferencesDialog::applyTheme()
{
    if (m_loading)
        return;
    const auto theme = ThemeChoice(m_theme->currentData().toInt());
    m_settings->setTheme(theme);
    emit themeChanged(theme);
}

void PreferencesDialog::applyRetention()
{
    if (m_loading)
        return;
    m_settings->setMetricsRetentionDays(m_retention->value());
    emit retentionChanged(m_retention->value());
}

void PreferencesDialog::applyMetricsServe()
{
    m_servePort->setEnabled(m_serveMetrics->isChecked());
    if (m_loading)
        return;
    const quint16 port = m_serveMetrics->isChecked() ? quint16(m_servePort->value()) : 0;
    m_settings->setMetricsServePort(port);
    emit metricsServeChanged(port);
}

} // namespace adminchat
