#include "openai/ResponseAccumulator.h"

#include "openai/OpenAiLog.h"

#include <utility>

namespace adminchat {

void ResponseAccumulator::apply(const ChunkUpdate& update)
{
    // The first error ends the answer: whatever a server sends after it is not trusted.
    if (m_error)
        return;

    m_ignoredChoices += update.ignoredChoices;
    m_text += update.content;
    m_reasoning += update.reasoning;
    m_refusal += update.refusal;
    for (const ToolCallDelta& delta : update.toolCalls)
        m_toolCalls.add(delta);
    if (!update.finishReason.isEmpty())
        m_finishReason = update.finishReason;
    // Servers send usage once (the include_usage chunk) or cumulatively; the last one is the
    // total either way.
    if (update.usage)
        m_usage = update.usage;
    if (m_model.isEmpty())
        m_model = update.model;
    if (update.done)
        m_done = true;
    if (update.error)
        m_error = update.error;
    else if (textChars() > maxTextChars)
        m_error = ApiError{ApiError::Kind::Protocol,
                           QStringLiteral("the answer exceeds the limit of %1 Mi characters; the "
                                          "text so far is kept")
                               .arg(maxTextChars / (1024 * 1024))};
    else if (m_done)
        checkNotEmpty();
    if (m_done || m_error)
        logIgnoredChoices();
}

bool ResponseAccumulator::hasOutput() const
{
    if (textChars() > 0)
        return true;
    // A call needs at least a name or arguments to be of any use.
    for (const ToolCall& call : m_toolCalls.calls()) {
        if (!call.name.isEmpty() || !call.arguments.isEmpty())
            return true;
    }
    return false;
}

void ResponseAccumulator::checkNotEmpty()
{
    // content_filter says why nothing came; any other complete answer without output is a
    // failure of the server, not an answer (and must not count as a fast one).
    if (m_error || hasOutput() || m_finishReason == QLatin1String("content_filter"))
        return;
    // The server's finish_reason, on one line and short.
    QString sent = m_finishReason.simplified();
    if (sent.size() > 40)
        sent = sent.left(40) + QChar(0x2026);
    const QString reason = m_finishReason.isEmpty()
                               ? QStringLiteral("no finish_reason")
                               : QStringLiteral("finish_reason \"%1\"").arg(sent);
    m_error = ApiError{ApiError::Kind::Empty,
                       QStringLiteral("empty answer: the server sent no content, reasoning, "
                                      "refusal or tool call (%1)")
                           .arg(reason)};
}

void ResponseAccumulator::logIgnoredChoices()
{
    // Once per answer, when it ends: a server that streams n answers sends this on every chunk.
    if (m_ignoredChoices == 0 || std::exchange(m_ignoredChoicesLogged, true))
        return;
    qCInfo(lcOpenAi) << "ignored" << m_ignoredChoices
                     << "choice pieces other than choice 0; the answer is choice 0";
}

std::optional<ApiError> ResponseAccumulator::finishAtEof()
{
    logIgnoredChoices();
    if (m_error)
        return m_error;
    // Not every server sends [DONE] (llama.cpp variants, some gateways); a finish_reason already
    // says the answer is complete.
    if (m_done || !m_finishReason.isEmpty()) {
        checkNotEmpty();
        return m_error;
    }
    m_error = ApiError{
        ApiError::Kind::CutOff,
        QStringLiteral("stream ended before the answer was complete (no finish_reason or [DONE])")};
    return m_error;
}

} // namespace adminchat
