#include "demo/DemoCompletionBuilder.h"

#include "demo/DemoFaultStream.h"
#include "demo/DemoRandom.h"

#include <QRegularExpression>
#include <QtMath>
#include <utility>

namespace adminchat {

namespace {

QByteArray sseEvent(const QByteArray& data)
{
    return "data: " + data + "\n\n";
}

} // namespace

DemoCompletionBuilder::DemoCompletionBuilder(quint64 number, const QString& model, qint64 created)
    : m_id("chatcmpl-demo-" + QByteArray::number(number)), m_model(DemoResponse::jsonString(model)),
      m_created(created)
{}

void DemoCompletionBuilder::setTokens(const QStringList& reasoning, const QStringList& content,
                                      bool truncated)
{
    m_reasoning = reasoning;
    m_content = content;
    m_truncated = truncated;
}

void DemoCompletionBuilder::setPrediction(const QString& prediction)
{
    // Accepted: the longest run of leading content tokens that the prediction reproduces
    // exactly (a common prefix counted in answer tokens). Rejected: the rest of the prediction
    // in demo tokens, a word with its leading white space each. So a prediction equal to the
    // answer is all accepted, and an unrelated one all rejected; never negative.
    int accepted = 0;
    qsizetype at = 0;
    for (const QString& token : std::as_const(m_content)) {
        if (token.isEmpty() || !QStringView(prediction).mid(at).startsWith(token))
            break;
        at += token.size();
        ++accepted;
    }
    static const QRegularExpression word(QStringLiteral("\\s*\\S+"));
    int rejected = 0;
    for (auto match = word.globalMatch(prediction, at); match.hasNext(); match.next())
        ++rejected;
    m_accepted = accepted;
    m_rejected = rejected;
}

double DemoCompletionBuilder::dueAt(int index) const
{
    if (m_dueMs.isEmpty())
        return 0;
    return m_dueMs.value(index, m_dueMs.last());
}

QByteArray DemoCompletionBuilder::chunkJson(const QByteArray& delta,
                                            const QByteArray& finishReason) const
{
    return "{\"id\":\"" + m_id +
           "\",\"object\":\"chat.completion.chunk\",\"created\":" + QByteArray::number(m_created) +
           ",\"model\":" + m_model + ",\"choices\":[{\"index\":0,\"delta\":" + delta +
           ",\"finish_reason\":" +
           (finishReason.isEmpty() ? QByteArray("null") : '"' + finishReason + '"') + "}]}";
}

QByteArray DemoCompletionBuilder::tokenChunk(int index) const
{
    // The role rides on the first token, so the first event is also the first token.
    QByteArray delta = index == 0 ? "{\"role\":\"assistant\"," : "{";
    if (index < m_reasoning.size())
        delta += "\"reasoning_content\":" + DemoResponse::jsonString(m_reasoning[index]);
    else
        delta += "\"content\":" + DemoResponse::jsonString(m_content[index - m_reasoning.size()]);
    return chunkJson(delta + '}', {});
}

QByteArray DemoCompletionBuilder::usageJson() const
{
    const int completion = tokenCount();
    QByteArray usage = "{\"prompt_tokens\":" + QByteArray::number(m_promptTokens) +
                       ",\"completion_tokens\":" + QByteArray::number(completion) +
                       ",\"total_tokens\":" + QByteArray::number(m_promptTokens + completion);
    // Only with a prediction, as the details are new to many clients' parsers.
    if (m_accepted && m_rejected) {
        usage += ",\"completion_tokens_details\":{\"accepted_prediction_tokens\":" +
                 QByteArray::number(*m_accepted) +
                 ",\"rejected_prediction_tokens\":" + QByteArray::number(*m_rejected) +
                 ",\"reasoning_tokens\":" + QByteArray::number(m_reasoning.size()) + '}';
    }
    return usage + '}';
}

QByteArray DemoCompletionBuilder::completionJson() const
{
    QByteArray message = "{\"role\":\"assistant\",\"content\":" +
                         DemoResponse::jsonString(m_content.join(QString()));
    if (!m_reasoning.isEmpty())
        message +=
            ",\"reasoning_content\":" + DemoResponse::jsonString(m_reasoning.join(QString()));
    message += '}';
    return "{\"id\":\"" + m_id +
           "\",\"object\":\"chat.completion\",\"created\":" + QByteArray::number(m_created) +
           ",\"model\":" + m_model + ",\"choices\":[{\"index\":0,\"message\":" + message +
           ",\"finish_reason\":\"" + (m_truncated ? "length" : "stop") +
           "\"}],\"usage\":" + usageJson() + '}';
}

QByteArray DemoCompletionBuilder::endlessEvent() const
{
    QString text = m_content.join(QString());
    if (text.isEmpty())
        text = QStringLiteral(" and so on");
    text =
        text.repeated((endlessEventChars + text.size() - 1) / text.size()).left(endlessEventChars);
    return sseEvent(chunkJson("{\"content\":" + DemoResponse::jsonString(text) + '}', {}));
}

DemoResponse DemoCompletionBuilder::trickled(DemoResponse response)
{
    QByteArray bytes;
    for (const DemoTimedWrite& write : std::as_const(response.writes))
        bytes += write.bytes;
    response.writes.clear();
    response.stream = DemoFaultStream::trickle(bytes);
    response.endingDueMs = 0;
    return response;
}

DemoResponse DemoCompletionBuilder::streamed(std::optional<DemoFault> fault, bool includeUsage,
                                             bool chunked, bool keepAlive) const
{
    if (fault == DemoFault::Trickle)
        return trickled(streamed(std::nullopt, includeUsage, chunked, keepAlive));
    // Bodies that end with the connection, as a server or proxy in trouble sends them.
    if (fault == DemoFault::HugeLine || fault == DemoFault::Garbage)
        chunked = false;
    // HTTP/1.0 has no chunked encoding: the body then ends when the connection closes.
    const bool reuse = chunked && keepAlive;
    const auto frame = [chunked](const QByteArray& payload) {
        return chunked ? DemoResponse::chunk(payload) : payload;
    };
    const QByteArray end = chunked ? DemoResponse::lastChunk() : QByteArray();

    DemoHeaders headers{{"Content-Type", "text/event-stream"}, {"Cache-Control", "no-cache"}};
    if (chunked)
        headers.append(qMakePair(QByteArray("Transfer-Encoding"), QByteArray("chunked")));

    DemoResponse response;
    response.writes.append(DemoTimedWrite{0, DemoResponse::head(200, headers, reuse)});
    response.ending = reuse ? DemoEnding::KeepOpen : DemoEnding::Close;
    if (fault == DemoFault::Garbage) {
        response.stream =
            DemoFaultStream::random(DemoRandom::mix(m_faultSeed, 0x6a7b), garbageBytes);
        return response;
    }

    const int total = tokenCount();
    const int sent = fault ? qMin(tokensBeforeFault, total) : total;
    for (int i = 0; i < sent; ++i)
        response.writes.append(DemoTimedWrite{dueAt(i), frame(sseEvent(tokenChunk(i)))});

    // Faults strike when the next token would have come.
    const double faultDue = dueAt(sent);
    if (!fault) {
        QByteArray tail = frame(sseEvent(chunkJson("{}", m_truncated ? "length" : "stop")));
        if (includeUsage) {
            tail += frame(sseEvent("{\"id\":\"" + m_id +
                                   "\",\"object\":\"chat.completion.chunk\",\"created\":" +
                                   QByteArray::number(m_created) + ",\"model\":" + m_model +
                                   ",\"choices\":[],\"usage\":" + usageJson() + '}'));
        }
        tail += frame(sseEvent("[DONE]")) + end;
        response.writes.last().bytes += tail;
    } else {
        switch (*fault) {
        case DemoFault::Reset:
            response.ending = DemoEnding::Reset;
            response.endingDueMs = qMax(faultDue, dueAt(sent - 1) + resetGraceMs);
            break;
        case DemoFault::Stall:
            response.ending = DemoEnding::Stall;
            break;
        case DemoFault::ErrorAfter200:
            response.writes.append(
                {faultDue, frame(sseEvent(DemoResponse::errorBody(
                               QStringLiteral("The model produced invalid content (simulated)"),
                               "server_error", "server_error"))) +
                               end});
            break;
        case DemoFault::CutOff:
            response.writes.append(DemoTimedWrite{faultDue, end});
            break;
        case DemoFault::MalformedChunk:
            response.writes.append(
                DemoTimedWrite{faultDue, frame(sseEvent("{\"choices\":[{\"delta\":{"
                                                        "\"content\":\"x\"")) +
                                             frame(sseEvent("[DONE]")) + end});
            break;
        case DemoFault::TruncatedChunked: {
            // The next event's chunk is announced whole, but only its first half comes.
            const QByteArray payload = sseEvent(tokenChunk(qMin(sent, total - 1)));
            const QByteArray half = payload.left(payload.size() / 2);
            response.writes.append(DemoTimedWrite{
                faultDue, chunked ? QByteArray::number(payload.size(), 16) + "\r\n" + half : half});
            response.ending = DemoEnding::Close;
            break;
        }
        case DemoFault::HugeLine: {
            const QByteArray start = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"";
            response.writes.append(DemoTimedWrite{faultDue, start});
            response.stream = DemoFaultStream::repeated("x", hugeLineBytes - start.size());
            response.ending = DemoEnding::Close;
            break;
        }
        case DemoFault::Endless:
            response.stream =
                DemoFaultStream::repeated(frame(endlessEvent()), DemoFaultStream::unbounded);
            break;
        default: // status faults and ignore-stream never get here
            break;
        }
    }
    response.endingDueMs = qMax(response.endingDueMs, response.writes.last().dueMs);
    return response;
}

DemoResponse DemoCompletionBuilder::complete(std::optional<DemoFault> fault, bool keepAlive) const
{
    // Of the faults made for streams, only trickle applies to a whole JSON answer.
    if (fault == DemoFault::Trickle)
        return trickled(complete(std::nullopt, keepAlive));
    // A non-streamed answer comes when the whole text is generated.
    const double due = dueAt(tokenCount() - 1);
    QByteArray body = completionJson();
    DemoEnding ending = keepAlive ? DemoEnding::KeepOpen : DemoEnding::Close;
    qsizetype sendBytes = body.size();
    if (fault) {
        switch (*fault) {
        case DemoFault::Reset:
            ending = DemoEnding::Reset;
            sendBytes = body.size() / 2;
            break;
        case DemoFault::Stall:
            ending = DemoEnding::Stall;
            sendBytes = body.size() / 2;
            break;
        case DemoFault::CutOff: // Content-Length promises more than comes before the FIN
            ending = DemoEnding::Close;
            sendBytes = body.size() / 2;
            break;
        case DemoFault::ErrorAfter200:
            body = DemoResponse::errorBody(
                QStringLiteral("The model produced invalid content (simulated)"), "server_error",
                "server_error");
            sendBytes = body.size();
            break;
        case DemoFault::MalformedChunk:
            body.truncate(body.size() / 2);
            sendBytes = body.size();
            break;
        default:
            break;
        }
    }
    const DemoHeaders headers{{"Content-Type", "application/json"},
                              {"Content-Length", QByteArray::number(body.size())}};
    DemoResponse response;
    response.writes.append(
        DemoTimedWrite{due, DemoResponse::head(200, headers, ending == DemoEnding::KeepOpen) +
                                body.left(sendBytes)});
    response.ending = ending;
    response.endingDueMs = ending == DemoEnding::Reset ? due + resetGraceMs : due;
    return response;
}

} // namespace adminchat
