#include "MainWindow.h"

#include "ChatView.h"
#include "ComposerEdit.h"
#include "ConversationController.h"
#include "ConversationDisplay.h"
#include "ConversationSidebar.h"
#include "DashboardWidget.h"
#include "EndpointPicker.h"
#include "EndpointsPage.h"
#include "ExperimentController.h"
#include "ExportFolder.h"
#include "MainMenus.h"
#include "MetricsPanelController.h"
#include "ParametersBar.h"
#include "ProfileEditorDialog.h"
#include "WindowShell.h"
#include "WindowWatch.h"
#include "chat/ChatSession.h"
#include "chat/ConversationPersistence.h"
#include "demo/DemoServerThread.h"
#include "endpoints/KeyStore.h"
#include "endpoints/ProfileStore.h"
#include "metrics/RequestMetrics.h"
#include "net/ConnectionWarmer.h"
#include "net/NetworkThread.h"
#include "net/RequestTrace.h"
#include "settings/AppSettings.h"
#include "store/HistoryService.h"
#include "store/HistoryThread.h"
#include "store/MetricsService.h"
#include "store/MetricsStore.h"
#include "store/MetricsThread.h"

#include <QCloseEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
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
      m_profiles(options.settingsPath.isEmpty()
                     ? std::make_unique<ProfileStore>()
                     : std::make_unique<ProfileStore>(options.settingsPath)),
      m_keys(new KeyStore(this)), m_network(new NetworkThread(this)),
      m_guiNetwork(new QNetworkAccessManager(this))
{
    m_databasePath =
        options.databasePath.isEmpty() ? Database::defaultPath() : options.databasePath;
    setWindowTitle(tr("AdminChat"));
    resize(1280, 800);
    buildUi();
    m_shell = new WindowShell(this); // menus and theme before the parts that add to them
    // Both databases open on their own threads: the window is up before any disk work.
    startMetrics();
    startHistory();
    m_watch = new WindowWatch(this, m_tabs, m_profiles.get(), m_databasePath);
    m_watch->start();
    m_conversations = new ConversationController(
        m_network->client(),
        new ConversationPersistence(m_history->service(), m_metrics->service()),
        new ConversationDisplay(m_chatView), this);
    connectConversations();
    startConnectionWarming();
    m_conversations->setCategoryRule(m_settings->categoryRule());
    m_conversations->setStreaming(m_settings->streamingMode(), m_settings->maxDisplayLagMs());
    startExperiments();
    startDemoEndpoint(options.demoProfile);
    m_experiments->restore();
    m_shell->connectParts();
    m_shell->restore();
    if (options.page == GuiOptions::Page::Dashboard)
        showDashboard();
    else if (options.page == GuiOptions::Page::Endpoints)
        showEndpoints();
}

MainWindow::~MainWindow() = default;

ChatSession* MainWindow::session() const
{
    return m_conversations->current();
}

void MainWindow::showDashboard()
{
    m_tabs->setCurrentWidget(m_dashboard);
}

void MainWindow::showEndpoints()
{
    m_tabs->setCurrentWidget(m_watch->page());
}

QUrl MainWindow::demoEndpointUrl() const
{
    return m_demo ? m_demo->baseUrl() : QUrl();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_shell->save();
    m_conversations->flushAll(); // queued before the history thread is told to finish
    QMainWindow::closeEvent(event);
}

void MainWindow::startMetrics()
{
    m_metrics = new MetricsThread(m_databasePath, this);
    MetricsService* service = m_metrics->service();
    m_metricsPanel = new MetricsPanelController(m_dashboard, service, this);
    m_metricsPanel->setExportFolder(ExportFolder(m_settings->fileName()));
    connect(service, &MetricsService::failed, this, [this](const QString& error) {
        statusBar()->showMessage(tr("Metrics: %1").arg(error), 10'000);
    });
    connect(service, &MetricsService::opened, this,
            [this](const QString&, const QString& movedAside) {
                if (!movedAside.isEmpty())
                    statusBar()->showMessage(
                        tr("The database was unreadable; it was moved to %1 and a new one "
                           "started.")
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
    const int retentionDays = m_settings->metricsRetentionDays();
    QMetaObject::invokeMethod(service, [service, filter, rule, retentionDays] {
        service->setRetentionDays(retentionDays);
        service->setCategoryRule(rule);
        service->setFilter(filter);
    });
    // An older database gets its rollups once, before the first snapshot.
    connect(service, &MetricsService::rollupsProgressed, this, [this](qint64 done, qint64 total) {
        statusBar()->showMessage(
            done < total ? tr("Preparing the dashboard: %1 of %2 requests")
                               .arg(QLocale().toString(done), QLocale().toString(total))
                         : tr("Dashboard ready: %1 requests").arg(QLocale().toString(total)),
            done < total ? 0 : 5'000);
    });
    m_metrics->start();
}

void MainWindow::startHistory()
{
    m_history = new HistoryThread(m_databasePath, this);
    HistoryService* service = m_history->service();
    auto listAgain = [this, service] {
        QMetaObject::invokeMethod(
            service, [service, search = m_sidebar->searchText()] { service->list(search); });
    };
    connect(service, &HistoryService::opened, this, listAgain);
    connect(service, &HistoryService::conversationsChanged, this, listAgain);
    connect(service, &HistoryService::listed, this,
            [this](const QString& search, const QList<ConversationRecord>& conversations) {
                if (search == m_sidebar->searchText())
                    m_sidebar->setConversations(conversations);
            });
    connect(service, &HistoryService::failed, this, [this](const QString& error) {
        statusBar()->showMessage(tr("History: %1").arg(error), 10'000);
    });
    connect(service, &HistoryService::exported, this,
            [this](const QString& path, const QString& error) {
                statusBar()->showMessage(error.isEmpty() ? tr("Saved %1").arg(path)
                                                         : tr("Export failed: %1").arg(error),
                                         10'000);
            });
    m_history->start();
}

void MainWindow::buildUi()
{
    auto* toolbar = m_toolbar = addToolBar(tr("Endpoint"));
    toolbar->setObjectName(QStringLiteral("endpointToolbar"));
    toolbar->setMovable(false);
    m_picker = new EndpointPicker(m_profiles.get(), m_guiNetwork, toolbar);
    toolbar->addWidget(m_picker);

    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("tabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(buildChatPage(), tr("Chat"));
    m_dashboard = new DashboardWidget(m_tabs);
    m_tabs->addTab(m_dashboard, tr("Dashboard"));

    m_sidebar = new ConversationSidebar(this);
    auto* splitter = m_splitter = new QSplitter(this);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->addWidget(m_sidebar);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({260, 1020});
    setCentralWidget(splitter);

    m_statusLine = new QLabel(tr("No answer yet"), this);
    m_statusLine->setObjectName(QStringLiteral("statusLine"));
    m_statusLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_statusLine, 1);
    m_composer->setFocus();
}

QWidget* MainWindow::buildChatPage()
{
    auto* central = m_chatPage = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    m_parametersBar = new ParametersBar(m_profiles->fileName(), central);
    layout->addWidget(m_parametersBar);
    m_chatView = new ChatView(central);
    m_chatView->setObjectName(QStringLiteral("chatView"));
    layout->addWidget(m_chatView, 1);

    m_editBanner = new QLabel(central);
    m_editBanner->setObjectName(QStringLiteral("editBanner"));
    m_editBanner->setText(tr("Editing a message: Send replaces it and the answers after it. "
                             "Esc cancels."));
    m_editBanner->hide();
    layout->addWidget(m_editBanner);

    auto* composerRow = new QHBoxLayout;
    m_composer = new ComposerEdit(central);
    m_composer->setObjectName(QStringLiteral("composer"));
    m_composer->setAccessibleName(tr("Message"));
    m_composer->setAccessibleDescription(tr("Enter sends, Shift+Enter starts a new line"));
    composerRow->addWidget(m_composer, 1);
    auto* buttons = new QVBoxLayout;
    m_sendButton = new QPushButton(tr("Send"), central);
    m_sendButton->setObjectName(QStringLiteral("sendButton"));
    m_sendButton->setDefault(true);
    m_sendButton->setToolTip(tr("Send the message (Enter)"));
    m_stopButton = new QPushButton(tr("Stop"), central);
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    m_stopButton->setEnabled(false);
    m_stopButton->setToolTip(tr("Stop the answer (Esc)"));
    buttons->addWidget(m_sendButton);
    buttons->addWidget(m_stopButton);
    buttons->addStretch();
    composerRow->addLayout(buttons);
    layout->addLayout(composerRow);

    connect(m_composer, &ComposerEdit::submitted, this, &MainWindow::send);
    connect(m_sendButton, &QPushButton::clicked, this, &MainWindow::send);
    connect(m_chatView, &ChatView::addEndpointRequested, this, [this] {
        ProfileEditorDialog* editor = profileEditor();
        editor->show();
        editor->raise();
    });
    connect(m_chatView, &ChatView::copied, this,
            [this] { statusBar()->showMessage(tr("Copied to the clipboard"), 3'000); });
    return central; // Esc (cancel an edit, stop an answer) is Edit > Stop Answer
}

void MainWindow::connectConversations()
{
    ConversationController* c = m_conversations;
    connect(m_stopButton, &QPushButton::clicked, c, &ConversationController::stop);
    m_parametersBar->attach(c);
    connect(c, &ConversationController::busyChanged, this, &MainWindow::onBusyChanged);
    connect(c, &ConversationController::requestCompleted, this, &MainWindow::onRequestCompleted);
    connect(c, &ConversationController::editRequested, this, &MainWindow::beginEdit);
    connect(c, &ConversationController::currentChanged, this,
            [this](const QString& id, const QString& profile, const QString& model) {
                cancelEdit();
                m_sidebar->setCurrentConversation(id);
                if (!profile.isEmpty())
                    m_picker->selectProfile(profile, model);
            });
    connect(c->persistence(), &ConversationPersistence::streamOptionsRejected, this,
            [this](const QString& name) {
                if (m_profiles->contains(name))
                    m_profiles->setSendStreamOptions(name,
                                                     false); // remembered for the next request
            });

    connect(m_picker, &EndpointPicker::endpointChanged, c, &ConversationController::setEndpoint);
    connect(m_picker, &EndpointPicker::modelChanged, c, &ConversationController::setModel);
    // The picker may have chosen its endpoint (OPENAI_BASE_URL, a profile) while it was being
    // built, before these connections existed: hand that choice over now.
    if (m_picker->hasEndpoint()) {
        c->setEndpoint(m_picker->endpoint(), m_picker->profileName());
        if (!m_picker->model().isEmpty())
            c->setModel(m_picker->model());
    }
    connect(m_picker, &EndpointPicker::modelsListed, this, &MainWindow::endpointReady);
    connect(m_picker, &EndpointPicker::messageChanged, m_statusLine, &QLabel::setText);
    connect(m_picker, &EndpointPicker::editProfilesRequested, this, [this] {
        ProfileEditorDialog* editor = profileEditor();
        editor->selectProfile(m_picker->profileName());
        editor->show();
        editor->raise();
    });

    HistoryService* history = m_history->service();
    connect(m_sidebar, &ConversationSidebar::newConversationRequested, c,
            &ConversationController::newConversation);
    connect(m_sidebar, &ConversationSidebar::conversationActivated, c,
            &ConversationController::open);
    connect(m_sidebar, &ConversationSidebar::searchChanged, this, [history](const QString& text) {
        QMetaObject::invokeMethod(history, [history, text] { history->list(text); });
    });
    connect(m_sidebar, &ConversationSidebar::renameRequested, this,
            [history](const QString& id, const QString& title) {
                QMetaObject::invokeMethod(history, [=] { history->rename(id, title); });
            });
    connect(m_sidebar, &ConversationSidebar::deleteRequested, this, [this](const QString& id) {
        const QString title = m_sidebar->conversationTitle(id);
        m_conversations->deleteConversation(id);
        m_sidebar->showDeleted(id, title);
    });
    connect(m_sidebar, &ConversationSidebar::undoDeleteRequested, this,
            [history](const QString& id) {
                QMetaObject::invokeMethod(history, [=] { history->restore(id); });
            });
    connect(m_sidebar, &ConversationSidebar::exportRequested, this,
            &MainWindow::exportConversation);
}

void MainWindow::startExperiments()
{
    // Made after the conversations are wired: its picker update follows the window's.
    m_experiments = new ExperimentController(m_settings.get(), m_profiles->fileName(),
                                             m_conversations, m_picker, m_metrics->service(), this);
    m_experiments->addActions(m_shell->menus()->experimentMenu());
    m_toolbar->addWidget(m_experiments->indicator());
    connect(m_experiments, &ExperimentController::messageChanged, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10'000); });
}

void MainWindow::startConnectionWarming()
{
    // The handshake happens while the user writes (or right after choosing an endpoint), on
    // the network thread's manager, so the request finds the connection open.
    m_warmer = new ConnectionWarmer(m_network->client(), this);
    connect(m_composer, &ComposerEdit::typingStarted, this, [this] {
        if (m_picker->hasEndpoint())
            m_warmer->warm(m_picker->endpoint());
    });
    connect(m_picker, &EndpointPicker::endpointChanged, m_warmer,
            [this](const EndpointConfig& endpoint) { m_warmer->warm(endpoint); });
}

ProfileEditorDialog* MainWindow::profileEditor()
{
    if (!m_profileEditor) {
        m_profileEditor = new ProfileEditorDialog(m_profiles.get(), m_keys, m_guiNetwork, this);
        connect(m_profileEditor, &ProfileEditorDialog::profilesChanged, m_picker,
                &EndpointPicker::reloadProfiles);
    }
    return m_profileEditor;
}

void MainWindow::startDemoEndpoint(const QString& profile)
{
    QString error;
    auto config = DemoConfig::fromProfile(profile, &error);
    if (!config) {
        m_statusLine->setText(error);
        return;
    }
    m_demo = new DemoServerThread(*config, this);
    connect(m_demo, &DemoServerThread::started, m_picker, &EndpointPicker::setDemoEndpoint);
    connect(m_demo, &DemoServerThread::started, m_experiments,
            &ExperimentController::setDemoEndpoint);
    connect(m_demo, &DemoServerThread::failed, this, [this](const QString& message) {
        m_statusLine->setText(tr("The demo endpoint could not start: %1").arg(message));
    });
    m_demo->start();
}

void MainWindow::send()
{
    ChatSession* current = m_conversations->current();
    if (!current || current->isBusy())
        return;
    if (m_picker->model().isEmpty()) {
        m_statusLine->setText(tr("Choose or type a model first"));
        return;
    }
    if (!m_picker->hasEndpoint()) {
        m_statusLine->setText(tr("The endpoint is not ready yet"));
        return;
    }
    const QString text = m_composer->toPlainText();
    const bool sent = m_editIndex >= 0 ? m_conversations->editAndResend(m_editIndex, text)
                                       : m_conversations->send(text);
    if (sent) {
        m_composer->clear();
        cancelEdit();
    }
}

void MainWindow::beginEdit(int index, const QString& text)
{
    m_editIndex = index;
    m_composer->setPlainText(text);
    m_editBanner->show();
    updateStopAction();
    m_composer->setFocus();
}

void MainWindow::cancelEdit()
{
    if (m_editIndex < 0)
        return;
    m_editIndex = -1;
    m_editBanner->hide();
    updateStopAction();
}

void MainWindow::exportConversation(const QString& id, const QString& format)
{
    // Non-blocking dialog; the file is written on the history thread.
    const bool markdown = format == QLatin1String("md");
    QFileDialog* dialog =
        ExportFolder(m_settings->fileName())
            .saveDialog(this, tr("Export conversation"),
                        QStringLiteral("conversation-%1.%2").arg(id, format),
                        markdown ? tr("Markdown (*.md)") : tr("JSON (*.json)"), format);
    dialog->setObjectName(QStringLiteral("conversationExportDialog"));
    HistoryService* history = m_history->service();
    connect(dialog, &QFileDialog::fileSelected, this, [history, id, format](const QString& path) {
        QMetaObject::invokeMethod(history, [=] { history->exportConversation(id, format, path); });
    });
    dialog->open();
}

void MainWindow::onBusyChanged(bool busy)
{
    m_stopButton->setEnabled(busy);
    m_sendButton->setEnabled(!busy);
    updateStopAction();
    if (busy)
        m_statusLine->setText(tr("Waiting for %1…").arg(m_conversations->current()->model()));
}

void MainWindow::onRequestCompleted(const RequestTrace& trace, const RequestMetrics& metrics)
{
    // Only the figures that exist; the outcome once ("cancelled", not "cancelled · cancelled").
    QStringList parts;
    if (metrics.ttftMs)
        parts << tr("TTFT %1").arg(formatMs(metrics.ttftMs));
    if (metrics.tokensPerSecond)
        parts << tr("%1 tok/s").arg(*metrics.tokensPerSecond, 0, 'f', 1);
    if (metrics.outputTokens > 0)
        parts << tr("%1 tokens%2")
                     .arg(metrics.outputTokens)
                     .arg(metrics.outputTokensEstimated ? tr(" (estimated)") : QString());
    if (metrics.e2eMs)
        parts << tr("E2E %1").arg(formatMs(metrics.e2eMs));
    const QString category = categoryName(metrics.category);
    if (!category.isEmpty())
        parts << category;
    if (trace.error && !parts.contains(trace.error->kindName()))
        parts << trace.error->kindName();
    m_statusLine->setText(parts.isEmpty() ? tr("No figures for this answer")
                                          : parts.join(QStringLiteral(" · ")));
}

void MainWindow::stopOrCancel()
{
    if (m_editIndex >= 0)
        cancelEdit();
    else
        m_conversations->stop();
}

void MainWindow::updateStopAction()
{
    const ChatSession* current = m_conversations ? m_conversations->current() : nullptr;
    m_shell->menus()->setStopEnabled(m_editIndex >= 0 || (current && current->isBusy()));
}

void MainWindow::showChat()
{
    m_tabs->setCurrentWidget(m_chatPage);
}

MainMenus* MainWindow::menus() const
{
    return m_shell->menus();
}

WindowCommands* MainWindow::commands() const
{
    return m_shell->commands();
}

PreferencesDialog* MainWindow::preferences()
{
    return m_shell->preferences();
}

} // namespace adminchat
