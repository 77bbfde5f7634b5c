#pragma once

#include "AskOptions.h"
#include "EndpointChooser.h"
#include "chat/ChatSession.h"
#include "net/ChatClient.h"
#include "text/TerminalText.h"

#include <QObject>
#include <memory>

namespace adminchat {

class ConversationStore;
class SessionRecorder;

// One `adminchat ask`: finds the endpoint (profile, URL or the built-in demo), continues or
// starts a conversation, streams the answer to stdout while saving it to the history at most
// every 250 ms, records its metrics, and exits the event loop with the exit code.
class AskRun : public QObject
{
public:
    explicit AskRun(AskOptions options, QObject* parent = nullptr);
    ~AskRun() override;

    void start(); // call from the running event loop

private:
    void useEndpoint(const EndpointConfig& endpoint, const QString& profile,
                     const QString& defaultModel);
    bool openHistory();
    void chooseModelAndSend();
    void send();
    void onEntryAppended(int index, const QString& content, const QString& reasoning);
    void onRequestCompleted(const RequestTrace& trace, const RequestMetrics& metrics,
                            const QString& requestUid);
    void fail(const QString& message, int exitCode = 1);

    AskOptions m_options;
    ChatClient m_client;
    ChatSession m_session;
    EndpointChooser m_chooser;
    std::unique_ptr<ConversationStore> m_history;
    std::unique_ptr<SessionRecorder> m_recorder;
    QChar m_lastChar; // of what went to stdout, to end the answer with one newline
    // The answer and the reasoning as they stream, made safe for a terminal piece by piece.
    TerminalText m_contentText;
    TerminalText m_reasoningText;
};

} // namespace adminchat
