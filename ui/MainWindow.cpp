#include "MainWindow.h"

#include "ChatView.h"
#include "ComposerEdit.h"
#include "DashboardWidget.h"
#include "MetricsPanelController.h"
#include "chat/ChatSession.h"
#include "demo/DemoServerThread.h"
#include "metrics/MetricsRecord.h"
#include "metrics/RequestMetrics.h"
#include "net/ModelsFetcher.h"
#include "net/NetworkThread.h"
#include "net/RequestTrace.h"
#include "settings/AppSettings.h"
#include "store/MetricsService.h"
#include "store/MetricsStore.h"
#include "store/MetricsThread.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace adminchat {

namespace {

QString formatMs(const std::optional<double>& ms)
{
    if (!ms)
        return QStringLiteral("–");
    return *ms >= 10'000 ? QStringLiteral("%1 s").arg(*ms / 1000.0, 0, 'f', 1)
                         : QStringLiteral("%1 ms").arg(qRound(*ms));
}

} // namespace

MainWindow::MainWindow(const GuiOptions& options, QWidget* parent)
    : QMainWindow(parent), m_settings(options.settingsPath.isEmpty()
                                          ? std::make_unique<AppSettings>()
                                          : std::make_unique<AppSettings>(options.settingsPath)),
      m_network(new NetworkThread(this)), m_session(new ChatSession(m_network->client(), this)),
      m_modelsManager(new QNetworkAccessManager(this))
{
    setWindowTitle(tr("AdminChat"));
    resize(1100, 780);
    buildUi();
    startMetrics(options);
    m_session->setCategoryRule(m_settings->categoryRule());

    connect(m_session, &ChatSession::entryAdded, this,
            [this](int index) { m_chatView->addEntry(m_session->entries().at(index)); });
    connect(m_session, &ChatSession::entryAppended, m_chatView,
            [this](int, const QString& content, const QString& reasoning) {
                m_chatView->appendToLast(content, reasoning);
            });
    connect(m_session, &ChatSession::entryStateChanged, this,
            [this](int index) { m_chatView->updateLastState(m_session->entries().at(index)); });
    connect(m_session, &ChatSession::busyChanged, this, &MainWindow::onBusyChanged);
    connect(m_session, &ChatSession::requestCompleted, this, &MainWindow::onRequestCompleted);

    addEnvironmentEndpoint();
    startDemoEndpoint(options.demoProfile);
    if (!m_endpoints.isEmpty())
        onEndpointSelected(0);
    if (options.showDashboard)
        showDashboard();
}

MainWindow::~MainWindow() = default;

void MainWindow::showDashboard()
{
    m_tabs->setCurrentWidget(m_dashboard);
}

QUrl MainWindow::demoEndpointUrl() const
{
    return m_demo ? m_demo->baseUrl() : QUrl();
}

void MainWindow::startMetrics(const GuiOptions& options)
{
    // The database opens on the metrics thread: the window is up before any disk work.
    m_metrics = new MetricsThread(
        options.databasePath.isEmpty() ? Database::defaultPath() : options.databasePath, this);
    MetricsService* service = m_metrics->service();
    m_metricsPanel = new MetricsPanelController(m_dashboard, service, this);
    connect(service, &MetricsService::failed, this, [this](const QString& error) {
        statusBar()->showMessage(tr("Metrics: %1").arg(error), 10'000);
    });
    connect(service, &MetricsService::opened, this,
            [this](const QString&, const QString& movedAside) {
                if (!movedAside.isEmpty())
                    statusBar()->showMessage(
                        tr("The metrics database was unreadable; it was moved to %1 and a new "
                           "one started.")
                            .arg(movedAside),
                        15'000);
            });
    connect(m_metricsPanel, &MetricsPanelController::exportFinished, this,
            [this](const QString& path, qint64 rows, const QString& error) {
                statusBar()->showMessage(error.isEmpty()
                                             ? tr("Exported %1 rows to %2").arg(rows).arg(path)
                                             : tr("Export failed: %1").arg(error),
                                         10'000);
            });
    MetricsFilter filter;
    filter.window = m_settings->dashboardWindow();
    const CategoryRule rule = m_settings->categoryRule();
    QMetaObject::invokeMethod(service, [service, filter, rule] {
        service->setCategoryRule(rule);
        service->setFilter(filter);
    });
    m_metrics->start();
}

void MainWindow::buildUi()
{
    auto* toolbar = addToolBar(tr("Endpoint"));
    toolbar->setObjectName(QStringLiteral("endpointToolbar"));
    toolbar->setMovable(false);
    toolbar->addWidget(new QLabel(tr("Endpoint "), toolbar));
    m_endpointBox = new QComboBox(toolbar);
    m_endpointBox->setObjectName(QStringLiteral("endpointBox"));
    m_endpointBox->setMinimumContentsLength(28);
    m_endpointBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    toolbar->addWidget(m_endpointBox);
    toolbar->addSeparator();
    toolbar->addWidget(new QLabel(tr(" Model "), toolbar));
    m_modelBox = new QComboBox(toolbar);
    m_modelBox->setObjectName(QStringLiteral("modelBox"));
    m_modelBox->setEditable(true); // endpoints without /models still work by typing a name
    m_modelBox->setMinimumContentsLength(22);
    m_modelBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    toolbar->addWidget(m_modelBox);
    m_refreshButton = new QToolButton(toolbar);
    m_refreshButton->setText(tr("Refresh"));
    m_refreshButton->setToolTip(tr("Reload the model list from the endpoint"));
    toolbar->addWidget(m_refreshButton);
    m_endpointNote = new QLabel(toolbar);
    m_endpointNote->setObjectName(QStringLiteral("endpointNote"));
    m_endpointNote->setContentsMargins(8, 0, 0, 0);
    toolbar->addWidget(m_endpointNote);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(buildChatPage(), tr("Chat"));
    m_dashboard = new DashboardWidget(m_tabs);
    m_tabs->addTab(m_dashboard, tr("Dashboard"));
    setCentralWidget(m_tabs);

    m_statusLine = new QLabel(tr("No answer yet"), this);
    m_statusLine->setObjectName(QStringLiteral("statusLine"));
    m_statusLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_statusLine, 1);

    connect(m_composer, &ComposerEdit::submitted, this, &MainWindow::send);
    connect(m_sendButton, &QPushButton::clicked, this, &MainWindow::send);
    connect(m_stopButton, &QPushButton::clicked, m_session, &ChatSession::stop);
    connect(m_refreshButton, &QToolButton::clicked, this, &MainWindow::refreshModels);
    connect(m_endpointBox, &QComboBox::currentIndexChanged, this, &MainWindow::onEndpointSelected);
    connect(m_modelBox, &QComboBox::currentTextChanged, m_session, &ChatSession::setModel);
    m_composer->setFocus();
}

QWidget* MainWindow::buildChatPage()
{
    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    m_chatView = new ChatView(central);
    layout->addWidget(m_chatView, 1);

    auto* composerRow = new QHBoxLayout;
    m_composer = new ComposerEdit(central);
    composerRow->addWidget(m_composer, 1);
    auto* buttons = new QVBoxLayout;
    m_sendButton = new QPushButton(tr("Send"), central);
    m_sendButton->setObjectName(QStringLiteral("sendButton"));
    m_sendButton->setDefault(true);
    m_stopButton = new QPushButton(tr("Stop"), central);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_stopButton->setEnabled(false);
    buttons->addWidget(m_sendButton);
    buttons->addWidget(m_stopButton);
    buttons->addStretch();
    composerRow->addLayout(buttons);
    layout->addLayout(composerRow);
    return central;
}

void MainWindow::addEnvironmentEndpoint()
{
    const QString base = qEnvironmentVariable("OPENAI_BASE_URL");
    if (base.isEmpty())
        return;
    const QUrl url = QUrl::fromUserInput(base);
    if (!url.isValid())
        return;
    EndpointChoice choice;
    choice.config.baseUrl = EndpointConfig::normalizeBaseUrl(url);
    choice.config.apiKey = qEnvironmentVariable("OPENAI_API_KEY");
    choice.label = tr("Environment · %1").arg(EndpointConfig::displayUrl(choice.config.baseUrl));
    choice.profileName = QStringLiteral("Environment");
    m_endpoints.append(choice);
    m_endpointBox->addItem(choice.label);
}

void MainWindow::startDemoEndpoint(const QString& profile)
{
    QString error;
    auto config = DemoConfig::fromProfile(profile, &error);
    if (!config) {
        m_endpointNote->setText(error);
        return;
    }
    m_demo = new DemoServerThread(*config, this);
    connect(m_demo, &DemoServerThread::started, this, [this](const QUrl& url) {
        EndpointChoice choice;
        choice.config.baseUrl = url;
        choice.simulated = true;
        choice.label = tr("Demo endpoint (simulated)");
        choice.profileName = QStringLiteral("Demo");
        m_endpoints.append(choice);
        m_endpointBox->addItem(choice.label);
        m_endpointBox->setItemData(m_endpointBox->count() - 1,
                                   tr("Built-in simulator at %1: generated text, simulated "
                                      "latency. Set OPENAI_BASE_URL for a real endpoint.")
                                       .arg(url.toString()),
                                   Qt::ToolTipRole);
        if (m_endpoints.size() == 1)
            onEndpointSelected(0);
    });
    connect(m_demo, &DemoServerThread::failed, this, [this](const QString& message) {
        m_endpointNote->setText(tr("The demo endpoint could not start: %1").arg(message));
    });
    m_demo->start();
}

void MainWindow::onEndpointSelected(int index)
{
    if (index < 0 || index >= m_endpoints.size())
        return;
    const EndpointChoice& choice = m_endpoints.at(index);
    m_session->setEndpoint(choice.config);
    m_endpointNote->setText(choice.simulated ? tr("simulated answers") : QString());
    refreshModels();
}

void MainWindow::refreshModels()
{
    const int index = m_endpointBox->currentIndex();
    if (index < 0 || index >= m_endpoints.size())
        return;
    m_refreshButton->setEnabled(false);
    auto* fetcher = new ModelsFetcher(m_modelsManager, m_endpoints.at(index).config, this);
    connect(fetcher, &ModelsFetcher::finished, this,
            [this, fetcher](const QStringList& models, const std::optional<ApiError>& error) {
                fetcher->deleteLater();
                m_refreshButton->setEnabled(true);
                const QString current = m_modelBox->currentText();
                if (error) {
                    m_statusLine->setText(
                        tr("Could not list models: %1 (type a model name)").arg(error->message));
                } else {
                    m_modelBox->clear();
                    m_modelBox->addItems(models);
                    const int keep = models.indexOf(current);
                    m_modelBox->setCurrentIndex(keep >= 0 ? keep : 0);
                }
                m_session->setModel(m_modelBox->currentText());
                emit endpointReady();
            });
    fetcher->start();
}

void MainWindow::send()
{
    if (m_session->isBusy())
        return;
    if (m_modelBox->currentText().isEmpty()) {
        m_statusLine->setText(tr("Choose or type a model first"));
        return;
    }
    if (m_session->send(m_composer->toPlainText()))
        m_composer->clear();
}

void MainWindow::onBusyChanged(bool busy)
{
    m_stopButton->setEnabled(busy);
    m_sendButton->setEnabled(!busy);
    if (busy)
        m_statusLine->setText(tr("Waiting for %1…").arg(m_session->model()));
}

void MainWindow::onRequestCompleted(const RequestTrace& trace, const RequestMetrics& metrics)
{
    QStringList parts;
    parts << tr("TTFT %1").arg(formatMs(metrics.ttftMs));
    parts << (metrics.tokensPerSecond ? tr("%1 tok/s").arg(*metrics.tokensPerSecond, 0, 'f', 1)
                                      : tr("– tok/s"));
    parts << tr("%1 tokens%2")
                 .arg(metrics.outputTokens)
                 .arg(metrics.outputTokensEstimated ? tr(" (estimated)") : QString());
    parts << tr("E2E %1").arg(formatMs(metrics.e2eMs));
    parts << categoryName(metrics.category);
    QString text = parts.join(QStringLiteral(" · "));
    if (trace.error)
        text += QStringLiteral(" · ") + trace.error->kindName();
    m_statusLine->setText(text);

    QString profile;
    for (const EndpointChoice& choice : std::as_const(m_endpoints)) {
        if (EndpointConfig::displayUrl(choice.config.baseUrl) == trace.endpoint)
            profile = choice.profileName;
    }
    const MetricsRecord record = MetricsRecord::fromTrace(trace, metrics, profile);
    MetricsService* service = m_metrics->service();
    QMetaObject::invokeMethod(service, [service, record] { service->addRecord(record); });
}

} // namespace adminchat
