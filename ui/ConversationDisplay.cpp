#include "ConversationDisplay.h"

#include "ChatView.h"
#include "chat/ChatSession.h"
#include "chat/StreamPacer.h"

#include <algorithm>

namespace adminchat {

ConversationDisplay::ConversationDisplay(ChatView* view, QObject* parent)
    : QObject(parent), m_view(view)
{}

void ConversationDisplay::attach(ChatSession* session)
{
    // The view mirrors the current session only; the others stream in the background.
    connect(session, &ChatSession::entriesTruncated, this, [this, session](int from) {
        if (session == m_current)
            m_view->truncate(from);
    });
    connect(session, &ChatSession::entryAdded, this, [this, session](int index) {
        if (session == m_current)
            m_view->addEntry(session->entries().at(index));
    });
    auto pacing = std::make_shared<Pacing>();
    m_pacing.insert(session, pacing);
    connectPacing(session, pacing);
}

void ConversationDisplay::detach(ChatSession* session)
{
    m_pacing.remove(session);
    disconnect(session, nullptr, this, nullptr);
    if (session == m_current)
        m_current = nullptr;
}

void ConversationDisplay::connectPacing(ChatSession* session, const std::shared_ptr<Pacing>& pacing)
{
    SmartChunkerOptions options;
    options.maxLagNs = qint64(m_maxLagMs) * 1'000'000;
    pacing->pacer = new StreamPacer(options, session);
    pacing->pacer->setSmoothing(m_streamingMode == StreamingMode::Smooth);
    connect(session, &ChatSession::busyChanged, this, [this, pacing](bool busy) {
        if (!busy)
            return;
        // A new answer: fresh lag samples, under the lag bound set now.
        SmartChunkerOptions next;
        next.maxLagNs = qint64(m_maxLagMs) * 1'000'000;
        pacing->pacer->setOptions(next);
        pacing->index = -1;
    });
    // Text goes to the pacer only while its conversation is shown: show() gives the view the
    // whole text of any other.
    connect(session, &ChatSession::entryAppended, this,
            [this, session, pacing](int index, const QString& content, const QString& reasoning,
                                    qint64 arrivalNs) {
                if (session != m_current)
                    return;
                if (pacing->index != index) {
                    pacing->pacer->flush();
                    pacing->index = index;
                }
                pacing->pacer->push(content, reasoning, arrivalNs);
            });
    connect(pacing->pacer, &StreamPacer::released, this,
            [this, session, pacing](const QString& content, const QString& reasoning) {
                if (session == m_current && pacing->index >= 0)
                    m_view->appendToEntry(pacing->index, content, reasoning);
            });
    // Before the final state is shown (Markdown rendered from the whole text): the rest at once.
    connect(session, &ChatSession::answerEnded, this, [session, pacing](int index) {
        pacing->pacer->flush();
        pacing->endedUid = session->entries().at(index).requestUid;
        pacing->endedLagP95Ms = pacing->pacer->displayLagP95Ms();
    });
    // A refresh while text is held back shows the entry as far as the view has it, never ahead.
    auto refresh = [this, session, pacing](int index) {
        if (session != m_current)
            return;
        const ChatEntry& entry = session->entries().at(index);
        if (index != pacing->index || !pacing->pacer->hasPending())
            return m_view->updateEntry(index, entry);
        ChatEntry shown = entry;
        shown.text.chop(pacing->pacer->pendingContentSize());
        shown.reasoning.chop(pacing->pacer->pendingReasoningSize());
        m_view->updateEntry(index, shown);
    };
    connect(session, &ChatSession::entryStateChanged, this, refresh);
    connect(session, &ChatSession::entryRated, this, refresh);
}

void ConversationDisplay::flushPacer(ChatSession* session)
{
    if (const auto pacing = m_pacing.value(session))
        pacing->pacer->flush();
}

std::function<std::optional<double>(const QString&)>
ConversationDisplay::displayLag(ChatSession* session) const
{
    // Holds the pacing's measurements, not the pacer (which goes with its session).
    return [pacing = m_pacing.value(session)](const QString& uid) -> std::optional<double> {
        if (!pacing || pacing->endedUid != uid)
            return std::nullopt;
        return pacing->endedLagP95Ms;
    };
}

void ConversationDisplay::setStreaming(StreamingMode mode, int maxLagMs)
{
    m_streamingMode = mode;
    m_maxLagMs = std::clamp(maxLagMs, 0, AppSettings::maxDisplayLagLimitMs);
    for (const auto& pacing : std::as_const(m_pacing))
        pacing->pacer->setSmoothing(mode == StreamingMode::Smooth);
}

void ConversationDisplay::show(ChatSession* session, const QHash<int, QString>& notSaved)
{
    // The view is about to be rebuilt from the sessions' whole texts: nothing may stay held
    // back, or it would be appended twice. The previous one's rest still reaches its view.
    if (m_current)
        flushPacer(m_current);
    flushPacer(session);
    m_current = session;
    m_view->setEntries(session->entries());
    for (auto mark = notSaved.cbegin(); mark != notSaved.cend(); ++mark)
        m_view->setNotSaved(mark.key(), mark.value());
}

void ConversationDisplay::clear()
{
    m_current = nullptr;
}

void ConversationDisplay::setNotSaved(ChatSession* session, int seq, const QString& error)
{
    if (session && session == m_current)
        m_view->setNotSaved(seq, error);
}

} // namespace adminchat
