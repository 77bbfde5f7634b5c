#pragma once

#include "openai/ApiError.h"
#include "openai/ToolCall.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

namespace adminchat {

// What one stream event (or one whole non-streamed body) contributed to the answer.
// Only choice 0 (the choice whose "index" is 0, or the first one without an index) is followed:
// the client never asks for n > 1, and other choices are counted in ignoredChoices.
struct ChunkUpdate
{
    QString content;
    QString reasoning; // delta.reasoning_content or delta.reasoning
    QString refusal;
    QList<ToolCallDelta> toolCalls;
    QString finishReason; // empty when this chunk carries none; unknown values are kept as sent
    std::optional<QJsonObject> usage; // the "usage" object as the server sent it
    QString model;
    QString systemFingerprint;     // "system_fingerprint": the backend configuration that answered
    int ignoredChoices = 0;        // choices other than choice 0 in this chunk
    bool done = false;             // data: [DONE]
    std::optional<ApiError> error; // error object after 200, event: error, malformed JSON
    // When the bytes carrying this chunk arrived, on the monotonic clock of
    // QDeadlineTimer::current(Qt::PreciseTimer) (comparable across threads); -1 when unknown.
    qint64 arrivalNs = -1;

    // True when the chunk carries output the user sees (content, reasoning, refusal or tool call
    // pieces). Such events are the ones timed for TTFT and ITL.
    bool hasOutput() const
    {
        return !content.isEmpty() || !reasoning.isEmpty() || !refusal.isEmpty() ||
               !toolCalls.isEmpty();
    }
};

} // namespace adminchat
