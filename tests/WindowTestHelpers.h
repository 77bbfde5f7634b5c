// Driving the main window in the end-to-end GUI tests: open it on a throwaway settings file and
// database with the in-process demo endpoint, type a message, wait for its answer.
#pragma once

#include "ComposerEdit.h"
#include "MainWindow.h"
#include "chat/ChatSession.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace windowtest {

// A shown window whose endpoint is ready, or nullptr. Settings and database live in dir.
inline std::unique_ptr<adminchat::MainWindow> openWindow(const QTemporaryDir& dir,
                                                         const QString& demoProfile)
{
    adminchat::GuiOptions options;
    options.demoProfile = demoProfile;
    options.databasePath = dir.filePath(QStringLiteral("adminchat.sqlite"));
    options.settingsPath = dir.filePath(QStringLiteral("settings.ini"));
    auto window = std::make_unique<adminchat::MainWindow>(options);
    window->show();
    QSignalSpy ready(window.get(), &adminchat::MainWindow::endpointReady);
    if (!ready.wait(10000))
        return nullptr;
    return window;
}

inline void sendText(adminchat::MainWindow* window, const QString& text)
{
    auto* composer = window->findChild<adminchat::ComposerEdit*>(QStringLiteral("composer"));
    QTest::keyClicks(composer, text);
    QTest::keyClick(composer, Qt::Key_Return);
}

// The current conversation's answer finished.
inline bool waitForAnswer(adminchat::MainWindow* window)
{
    QSignalSpy completed(window->session(), &adminchat::ChatSession::requestCompleted);
    return completed.wait(15000);
}

} // namespace windowtest
