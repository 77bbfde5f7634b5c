#pragma once

#include "settings/AppSettings.h"

#include <QHash>
#include <QObject>
#include <functional>
#include <memory>
#include <optional>

namespace adminchat {

class ChatSession;
class ChatView;
class StreamPacer;

// Shows one of the open sessions in the ChatView and paces each session's streaming answer
// through a StreamPacer of its own: the session keeps the full text at once, the view gets it
// paced. What a pacer holds back is shown at once when the answer ends, is stopped or fails,
// and when another session is shown. The display lag (arrival to shown) of the text shown while
// streaming is what displayLag() reports for the answer; a session streaming in the
// background shows nothing, so adds no samples.
class ConversationDisplay : public QObject
{
    Q_OBJECT
public:
    explicit ConversationDisplay(ChatView* view, QObject* parent = nullptr);

    ChatView* view() const { return m_view; }
    ChatSession* current() const { return m_current; }

    // Mirrors the session in the view whenever it is the one shown; detach before it goes.
    void attach(ChatSession* session);
    void detach(ChatSession* session);
    // Shows session (its entries, and the marks of messages not saved, seq -> why).
    void show(ChatSession* session, const QHash<int, QString>& notSaved);
    void clear(); // nothing shown until the next show()
    void setNotSaved(ChatSession* session, int seq, const QString& error);

    // How answers appear while streaming (AppSettings display/streaming and display/maxLagMs).
    // The mode applies at once, the lag bound from the next answer on.
    void setStreaming(StreamingMode mode, int maxLagMs);
    StreamingMode streamingMode() const { return m_streamingMode; }

    // The P95 display lag of the session's last answer, asked by request uid; stays valid
    // after detach(), for a request that completes as its session is let go.
    std::function<std::optional<double>(const QString& requestUid)>
    displayLag(ChatSession* session) const;

private:
    // The pacer of a session's answer and what it measured, shared with the connections.
    struct Pacing
    {
        StreamPacer* pacer = nullptr; // owned by the session
        int index = -1;               // the entry it paces
        QString endedUid;             // the last answer that ended, and its display lag
        std::optional<double> endedLagP95Ms;
    };

    void connectPacing(ChatSession* session, const std::shared_ptr<Pacing>& pacing);
    void flushPacer(ChatSession* session); // shows what it holds back

    ChatView* m_view;
    ChatSession* m_current = nullptr;
    QHash<ChatSession*, std::shared_ptr<Pacing>> m_pacing;
    StreamingMode m_streamingMode = StreamingMode::Smooth;
    int m_maxLagMs = AppSettings::defaultMaxDisplayLagMs;
};

} // namespace adminchat
