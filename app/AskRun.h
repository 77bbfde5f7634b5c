#pragma once

#include "AskOptions.h"
#include "EndpointChooser.h"
#include "chat/ChatSession.h"
#include "net/ChatClient.h"
#include "store/ConversationRecord.h"
#include "text/TerminalText.h"

#include <QMap>
#include <QObject>
#include <memory>
#include <optional>

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
    // The preset (named, else the default for a new conversation), the conversation's own
    // parameters when continuing, and the single options over them. False when it failed.
    bool chooseParameters();
    void send();
    void onEntryAppended(int index, const QString& content, const QString& reasoning);
    enum class Stream
    {
        Out,
        Err
    };
    void holdFor(Stream stream);
    void flushOutput();
    void onRequestCompleted(const RequestTrace& trace, const RequestMetrics& metrics,
                            const QString& requestUid);
    void fail(const QString& message, int exitCode = 1);
    // Saving is a side effect of the answer: what fails is kept, written again at the next
    // write that works and once more at the end, and said once, at the end.
    void saveConversation(const ConversationRecord& conversation);
    void saveMessage(const MessageRecord& message);
    bool writeUnsaved();

    AskOptions m_options;
    ChatClient m_client;
    ChatSession m_session;
    EndpointChooser m_chooser;
    std::unique_ptr<ConversationStore> m_history;
    std::unique_ptr<SessionRecorder> m_recorder;
    QChar m_lastChar; // of what went to stdout, to end the answer with one newline
    // Text for the terminal, written once the event loop has handled the current network read:
    // one write for all the deltas of a read instead of one write and flush per delta. Held for
    // one stream at a time, so that stdout and stderr keep their order.
    QString m_pending;
    Stream m_pendingStream = Stream::Out;
    bool m_flushQueued = false;
    // The answer and the reasoning as they stream, made safe for a terminal piece by piece.
    TerminalText m_contentText;
    TerminalText m_reasoningText;
    std::optional<ConversationRecord> m_unsavedConversation;
    QMap<int, MessageRecord> m_unsavedMessages; // by seq, the newest version of each
    QString m_saveError;                        // the first failure, file and reason
};

} // namespace adminchat
