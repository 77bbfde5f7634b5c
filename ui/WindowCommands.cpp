#include "WindowCommands.h"

#include "AboutDialog.h"
#include "ChatView.h"
#include "ConversationController.h"
#include "ConversationSidebar.h"
#include "EndpointPicker.h"
#include "MainMenus.h"
#include "MainWindow.h"
#include "ShortcutsDialog.h"
#include "chat/ChatSession.h"
#include "net/ModelsFetcher.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QLoggingCategory>
#include <QStatusBar>
#include <QUrl>

Q_LOGGING_CATEGORY(lcCommands, "adminchat.shell", QtInfoMsg)

namespace adminchat {

namespace {

constexpr int messageMs = 8000;

// The newest answer of the session, or -1.
int lastAnswer(const ChatSession* session)
{
    if (!session)
        return -1;
    const QList<ChatEntry>& entries = session->entries();
    for (qsizetype i = entries.size() - 1; i >= 0; --i) {
        if (entries.at(i).role == ChatEntry::Role::Assistant)
            return int(i);
    }
    return -1;
}

} // namespace

WindowCommands::WindowCommands(MainWindow* window, MainMenus* menus, QNetworkAccessManager* network,
                               const QString& dataFolder)
    : QObject(window), m_window(window), m_menus(menus), m_network(network),
      m_dataFolder(dataFolder)
{
    connect(menus, &MainMenus::copyRequested, this, &WindowCommands::copySelection);
    connect(menus, &MainMenus::copyLastAnswerRequested, this, &WindowCommands::copyLastAnswer);
    connect(menus, &MainMenus::regenerateRequested, this, &WindowCommands::regenerateLast);
    connect(menus, &MainMenus::findRequested, this, &WindowCommands::findInConversations);
    connect(menus, &MainMenus::refreshModelsRequested, window->endpointPicker(),
            &EndpointPicker::refreshModels);
    connect(menus, &MainMenus::testConnectionRequested, this, &WindowCommands::testConnection);
    connect(menus, &MainMenus::dataFolderRequested, this, &WindowCommands::openDataFolder);
    connect(menus, &MainMenus::aboutRequested, this, &WindowCommands::showAbout);
    connect(menus, &MainMenus::shortcutsRequested, this, &WindowCommands::showShortcuts);
}

void WindowCommands::say(const QString& message)
{
    m_window->statusBar()->showMessage(message, messageMs);
}

void WindowCommands::copySelection()
{
    QWidget* focus = QApplication::focusWidget();
    if (auto* label = qobject_cast<QLabel*>(focus)) {
        if (label->hasSelectedText())
            QApplication::clipboard()->setText(label->selectedText());
        return;
    }
    // Text fields and editors have a copy() slot; other widgets have nothing selected to copy.
    if (focus)
        QMetaObject::invokeMethod(focus, "copy");
}

bool WindowCommands::copyLastAnswer()
{
    const ChatSession* session = m_window->session();
    const int index = lastAnswer(session);
    const QString text = index >= 0 ? session->entries().at(index).text : QString();
    if (text.isEmpty()) {
        say(tr("No answer to copy yet"));
        return false;
    }
    QApplication::clipboard()->setText(text);
    say(tr("Copied the last answer (%n characters)", nullptr, int(text.size())));
    return true;
}

bool WindowCommands::regenerateLast()
{
    ChatSession* session = m_window->session();
    const int index = lastAnswer(session);
    if (index < 0 || session->isBusy()) {
        say(index < 0 ? tr("No answer to regenerate yet") : tr("An answer is still streaming"));
        return false;
    }
    // The same path as the answer's own Regenerate button.
    m_window->conversations()->onViewAction(index, ChatView::Action::Regenerate);
    return true;
}

void WindowCommands::findInConversations()
{
    auto* search = m_window->sidebar()->findChild<QLineEdit*>(QStringLiteral("conversationSearch"));
    if (!search)
        return;
    search->setFocus(Qt::ShortcutFocusReason);
    search->selectAll();
}

void WindowCommands::testConnection()
{
    EndpointPicker* picker = m_window->endpointPicker();
    if (!picker->hasEndpoint()) {
        say(tr("Choose an endpoint first"));
        emit connectionTested(false, {});
        return;
    }
    const int generation = ++m_testGeneration;
    say(tr("Testing the connection…"));
    auto* fetcher = new ModelsFetcher(m_network, picker->endpoint(), this);
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    connect(fetcher, &ModelsFetcher::finished, this,
            [this, fetcher, timer, generation](const QStringList& models,
                                               const std::optional<ApiError>& error) {
                fetcher->deleteLater();
                if (generation != m_testGeneration)
                    return;
                const QString summary = error ? tr("Connection failed: %1").arg(error->message)
                                              : tr("Connection works: %n models · round trip %1 ms",
                                                   nullptr, int(models.size()))
                                                    .arg(timer->elapsed());
                qCDebug(lcCommands) << summary;
                say(summary);
                emit connectionTested(!error, summary);
            });
    fetcher->start();
}

void WindowCommands::openDataFolder()
{
    emit dataFolderOpened(m_dataFolder);
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(m_dataFolder)))
        say(tr("Could not open %1").arg(m_dataFolder));
}

AboutDialog* WindowCommands::showAbout()
{
    if (!m_about) {
        m_about = new AboutDialog(ComponentVersions::current(), m_window);
        m_about->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_about->show();
    m_about->raise();
    return m_about;
}

ShortcutsDialog* WindowCommands::showShortcuts()
{
    if (!m_shortcuts) {
        // Built when asked, so actions added to the menus later are listed too.
        QList<ShortcutsDialog::Group> groups;
        for (const MainMenus::Entry& entry : m_menus->shortcutEntries()) {
            if (groups.isEmpty() || groups.last().title != entry.menu)
                groups.append({entry.menu, {}});
            groups.last().actions.append(entry.action);
        }
        m_shortcuts = new ShortcutsDialog(groups, m_window);
        m_shortcuts->setAttribute(Qt::WA_DeleteOnClose);
    }
    m_shortcuts->show();
    m_shortcuts->raise();
    return m_shortcuts;
}

} // namespace adminchat
