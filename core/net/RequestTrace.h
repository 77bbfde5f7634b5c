#pragma once

#include "openai/ApiError.h"
#include "openai/ToolCall.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <optional>
#include <vector>

namespace adminchat {

// Everything observed about one request. Times are nanoseconds on the monotonic clock, relative
// to the moment the request was handed to the network stack ("sent"); -1 when not reached.
// Arrival times are taken in the readyRead handler, before any decoding or UI work.
struct RequestTrace
{
    quint64 id = 0;
    QDateTime startedUtc;
    QString endpoint;   // display URL, no credentials
    QString endpointId; // EndpointConfig::endpointId
    QString requestedModel;
    QString promptHash; // SHA-256 (hex) of the messages sent: repeated prompts, never the text
    qint64 promptChars = 0;
    QString model;             // as the server named it, else the requested one
    QString systemFingerprint; // the last one the server sent; empty when it sent none
    bool streamed = true;

    qint64 headersNs = -1;             // response headers arrived
    qint64 firstOutputNs = -1;         // first content, reasoning, refusal or tool-call piece
    qint64 firstContentNs = -1;        // first answer (content) piece
    qint64 endNs = -1;                 // end of stream, error or cancellation
    std::vector<qint64> outputEventNs; // arrival of every output-bearing event, in order
    qint64 contentEventCount = 0;

    QString text;
    QString reasoning;
    QString refusal;
    QList<ToolCall> toolCalls;
    QString finishReason;
    std::optional<QJsonObject> usage;

    int httpStatus = 0;
    int retries = 0; // times the request was sent again, transparently, after the first send
    // The server answered 400 to stream_options; the request was sent again without it (and
    // counted in retries). Times stay relative to the first send: what the user waited.
    bool streamOptionsRejected = false;
    std::optional<ApiError> error;

    bool succeeded() const { return !error.has_value(); }
};

} // namespace adminchat

Q_DECLARE_METATYPE(adminchat::RequestTrace)
