#pragma once

#include "openai/ChunkUpdate.h"
#include "sse/SseEvent.h"

#include <QByteArrayView>

namespace adminchat {

// Decodes OpenAI chat-completion stream events (and whole non-streamed chat.completion bodies)
// into ChunkUpdates. Stateless: accumulation is ResponseAccumulator's job.
class ChunkDecoder
{
public:
    // One SSE event: "data: [DONE]", a chat.completion.chunk, {"error": ...} after HTTP 200,
    // or an "event: error" event. Events of other types are ignored (empty update).
    // Common chunks are read by ChunkScanner; everything else goes through QJsonDocument.
    static ChunkUpdate decodeEvent(const SseEvent& event);

    // decodeEvent with every chunk going through QJsonDocument: the reference the scanner
    // must agree with, field by field.
    static ChunkUpdate decodeEventWithDocument(const SseEvent& event);

    // A server that ignored stream: true and answered one JSON chat.completion (message instead
    // of delta). Also understands an {"error": ...} body.
    static ChunkUpdate decodeCompletion(QByteArrayView json);
};

} // namespace adminchat
