#pragma once

#include "openai/ChunkUpdate.h"
#include "openai/ToolCallAccumulator.h"

#include <QJsonObject>
#include <QString>
#include <optional>

namespace adminchat {

// The answer so far, built from ChunkUpdates, and the end-of-stream rules: [DONE] or a
// finish_reason followed by EOF is success; EOF with neither is a cut-off answer. A complete
// answer without content, reasoning, refusal or tool call is an Empty error (unless its
// finish_reason is content_filter, which says why).
//
// The answer is bounded: an endless stream must not take all memory. Once content, reasoning and
// refusal together exceed maxTextChars, error() is a Protocol error and the text so far stays.
class ResponseAccumulator
{
public:
    static constexpr qsizetype maxTextChars = 16 * 1024 * 1024;

    void apply(const ChunkUpdate& update);

    // Called at end of body. Returns the error the stream ended with, if any (an error received
    // earlier, CutOff when neither [DONE] nor a finish_reason arrived, Empty when the complete
    // answer has no output).
    std::optional<ApiError> finishAtEof();

    const QString& text() const { return m_text; }
    const QString& reasoning() const { return m_reasoning; }
    const QString& refusal() const { return m_refusal; }
    const QList<ToolCall>& toolCalls() const { return m_toolCalls.calls(); }
    const QString& finishReason() const { return m_finishReason; }
    const std::optional<QJsonObject>& usage() const { return m_usage; }
    const QString& model() const { return m_model; }
    bool doneSeen() const { return m_done; }
    const std::optional<ApiError>& error() const { return m_error; }
    qsizetype textChars() const { return m_text.size() + m_reasoning.size() + m_refusal.size(); }
    // Pieces of choices other than choice 0 that were left out (n > 1, or a server that sends
    // them unasked).
    int ignoredChoices() const { return m_ignoredChoices; }

    // Content, reasoning or refusal text, or a tool call with a name or arguments.
    bool hasOutput() const;

private:
    void checkNotEmpty();
    void logIgnoredChoices();

    QString m_text;
    QString m_reasoning;
    QString m_refusal;
    ToolCallAccumulator m_toolCalls;
    QString m_finishReason;
    std::optional<QJsonObject> m_usage;
    QString m_model;
    bool m_done = false;
    std::optional<ApiError> m_error;
    int m_ignoredChoices = 0;
    bool m_ignoredChoicesLogged = false;
};

} // namespace adminchat
