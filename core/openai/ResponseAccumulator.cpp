#include "openai/ResponseAccumulator.h"

#include "net/NetLog.h"

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
    if (m_done || m_error)
        logIgnoredChoices();
}

void ResponseAccumulator::logIgnoredChoices()
{
    // Once per answer, when it ends: a server that streams n answers sends this on every chunk.
    if (m_ignoredChoices == 0 || std::exchange(m_ignoredChoicesLogged, true))
        return;
    qCInfo(lcNet) << "ignored" << m_ignoredChoices
                  << "choice pieces other than choice 0; the answer is choice 0";
}

std::optional<ApiError> ResponseAccumulator::finishAtEof()
{
    logIgnoredChoices();
    if (m_error)
        return m_error;
    // Not every server sends [DONE] (llama.cpp variants, some gateways); a finish_reason already
    // says the answer is complete.
    if (m_done || !m_finishReason.isEmpty())
        return std::nullopt;
    m_error = ApiError{
        ApiError::Kind::CutOff,
        QStringLiteral("stream ended before the answer was complete (no finish_reason or [DONE])")};
    return m_error;
}

} // namespace adminchat
