#include "demo/DemoRequestHandler.h"

#include "demo/DemoCompletionBuilder.h"
#include "demo/DemoRandom.h"
#include "demo/DemoServer.h"
#include "demo/DemoTextGenerator.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <utility>

namespace adminchat {

namespace {

constexpr qint64 kModelsCreated = 1715000000; // fixed, so /v1/models is reproducible
constexpr double kMaxOverrideMs = DemoConfig::maxDelayMs;
// Accepted prediction tokens need no decoding step of their own (servers verify them in
// batches, as in speculative decoding), so they come this much faster.
constexpr double kAcceptedDelayFactor = 0.1;
const QByteArray kStatsPath = "/v1/demo/stats";
const QByteArray kStatsResetPath = "/v1/demo/stats/reset";

const QByteArray kInvalidRequest = "invalid_request_error";

QString shortened(const QString& text)
{
    return text.size() > 200 ? text.left(200) + QStringLiteral("...") : text;
}

// Text of a message's content: a string, or an array of {"type":"text","text":...} parts.
std::optional<QString> contentText(const QJsonValue& content)
{
    if (content.isString())
        return content.toString();
    if (content.isNull() || content.isUndefined())
        return QString();
    if (!content.isArray())
        return std::nullopt;
    QStringList parts;
    for (const QJsonValue& part : content.toArray()) {
        if (!part.isObject())
            return std::nullopt;
        parts << part.toObject().value(QLatin1String("text")).toString();
    }
    return parts.join(QLatin1Char('\n'));
}

int wordCount(const QList<ChatMessage>& messages)
{
    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    qsizetype words = 0;
    for (const ChatMessage& message : messages)
        words += message.content.split(whitespace, Qt::SkipEmptyParts).size();
    return int(qMax<qsizetype>(words, 1));
}

// Faults answered with an error status before any work.
bool isStatusFault(std::optional<DemoFault> fault)
{
    return fault == DemoFault::Http500 || fault == DemoFault::Http429 ||
           fault == DemoFault::Html502 || fault == DemoFault::Http500Once ||
           fault == DemoFault::Http429Once;
}

bool sameSecret(const QByteArray& a, const QByteArray& b)
{
    // Constant time for equal lengths, so the demo does not teach timing leaks.
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

} // namespace

DemoRequestHandler::DemoRequestHandler(DemoConfig config) : m_config(std::move(config)) {}

DemoResponse DemoRequestHandler::handle(const DemoHttpRequest& request)
{
    const bool keepAlive = request.keepAlive;
    const QByteArray& path = request.path;
    const bool models = path == "/v1/models" || path.startsWith("/v1/models/");
    const bool chat = path == "/v1/chat/completions";
    const bool stats = path == kStatsPath || path == kStatsResetPath;
    if (!models && !chat && !stats) {
        return DemoResponse::jsonError(
            404,
            QStringLiteral("Invalid URL (%1 %2)")
                .arg(QString::fromLatin1(request.method), shortened(QString::fromUtf8(path))),
            kInvalidRequest, "unknown_url", keepAlive);
    }
    const QByteArray allowed = chat || path == kStatsResetPath ? "POST" : "GET";
    if (request.method != allowed) {
        return DemoResponse::jsonError(
            405,
            QStringLiteral("Method %1 is not allowed for %2 (use %3)")
                .arg(QString::fromLatin1(request.method), QString::fromUtf8(path),
                     QString::fromLatin1(allowed)),
            kInvalidRequest, "method_not_allowed", keepAlive, {{"Allow", allowed}});
    }
    if (!isAuthorized(request)) {
        DemoResponse response = DemoResponse::jsonError(
            401,
            QStringLiteral("Incorrect API key provided. Use the key set in the demo "
                           "endpoint's settings."),
            kInvalidRequest, "invalid_api_key", keepAlive);
        response.countsInStats = chat;
        return response;
    }
    if (stats)
        return handleStats(request);
    if (models)
        return handleModels(request);
    // Every chat request counts, error and fault answers too: they occupy the server as well.
    DemoResponse response = handleChat(request);
    response.countsInStats = true;
    return response;
}

DemoResponse DemoRequestHandler::handleStats(const DemoHttpRequest& request)
{
    if (request.path == kStatsResetPath)
        m_stats.reset();
    return DemoResponse::immediate(200, "application/json", m_stats.toJson(), request.keepAlive);
}

bool DemoRequestHandler::isAuthorized(const DemoHttpRequest& request) const
{
    if (m_config.requiredApiKey.isEmpty())
        return true;
    const QByteArray authorization = request.header("authorization");
    if (!authorization.toLower().startsWith("bearer "))
        return false;
    return sameSecret(authorization.mid(7).trimmed(), m_config.requiredApiKey.toUtf8());
}

QByteArray DemoRequestHandler::modelJson(const QString& id)
{
    return "{\"id\":" + DemoResponse::jsonString(id) +
           ",\"object\":\"model\",\"created\":" + QByteArray::number(kModelsCreated) +
           ",\"owned_by\":\"adminchat-demo\"}";
}

DemoResponse DemoRequestHandler::handleModels(const DemoHttpRequest& request)
{
    Overrides overrides;
    if (auto error = readOverrides(request, &overrides))
        return *error;
    const bool keepAlive = request.keepAlive;
    // Only the HTTP-level faults make sense here; they let a client's model list fail on demand.
    if (isStatusFault(overrides.fault)) {
        if (const auto fault = onceFault(*overrides.fault, request)) {
            DemoResponse response = DemoResponse::statusFault(*fault, keepAlive);
            response.fault = DemoConfig::faultName(*fault);
            return response;
        }
    }

    if (request.path == "/v1/models") {
        QByteArrayList data;
        for (const QString& name : DemoServer::modelNames())
            data << modelJson(name);
        return DemoResponse::immediate(200, "application/json",
                                       "{\"object\":\"list\",\"data\":[" + data.join(',') + "]}",
                                       keepAlive);
    }
    const QString id = QString::fromUtf8(request.path.mid(int(qstrlen("/v1/models/"))));
    if (!DemoServer::modelNames().contains(id)) {
        return DemoResponse::jsonError(
            404, QStringLiteral("The model `%1` does not exist").arg(shortened(id)),
            kInvalidRequest, "model_not_found", keepAlive);
    }
    DemoResponse response =
        DemoResponse::immediate(200, "application/json", modelJson(id), keepAlive);
    response.model = id;
    return response;
}

DemoResponse DemoRequestHandler::handleChat(const DemoHttpRequest& request)
{
    const bool keepAlive = request.keepAlive;
    const auto invalid = [keepAlive](int status, const QString& message, const QByteArray& code) {
        return DemoResponse::jsonError(status, message, kInvalidRequest, code, keepAlive);
    };

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        return invalid(400,
                       QStringLiteral("We could not parse the JSON body of your request. The "
                                      "demo endpoint expects a JSON object."),
                       "invalid_json");
    }
    const QJsonObject body = document.object();

    const QString model = body.value(QLatin1String("model")).toString();
    if (model.isEmpty())
        return invalid(400, QStringLiteral("You must provide a model parameter."),
                       "missing_required_parameter");
    if (!DemoServer::modelNames().contains(model)) {
        return invalid(404, QStringLiteral("The model `%1` does not exist").arg(shortened(model)),
                       "model_not_found");
    }

    const QJsonValue messagesValue = body.value(QLatin1String("messages"));
    if (!messagesValue.isArray() || messagesValue.toArray().isEmpty()) {
        return invalid(400, QStringLiteral("Missing required parameter: 'messages'."),
                       "missing_required_parameter");
    }
    QList<ChatMessage> messages;
    const QJsonArray messageArray = messagesValue.toArray();
    for (qsizetype i = 0; i < messageArray.size(); ++i) {
        const QJsonObject object = messageArray[i].toObject();
        const std::optional<QString> text = contentText(object.value(QLatin1String("content")));
        const QString role = object.value(QLatin1String("role")).toString();
        if (!messageArray[i].isObject() || role.isEmpty() || !text) {
            return invalid(400,
                           QStringLiteral("Invalid 'messages[%1]': expected an object with a "
                                          "'role' and a 'content'.")
                               .arg(i),
                           "invalid_value");
        }
        messages.append({role, *text});
    }

    std::optional<int> maxTokens;
    for (const char* key : {"max_tokens", "max_completion_tokens"}) {
        const QJsonValue value = body.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            continue;
        const double number = value.toDouble(-1);
        if (!value.isDouble() || number < 1 || number != std::floor(number)) {
            return invalid(
                400,
                QStringLiteral("Invalid '%1': expected an integer >= 1.").arg(QLatin1String(key)),
                "invalid_value");
        }
        maxTokens = int(qMin(number, 1e9));
    }
    // Predicted Outputs: {"type": "content", "content": string or text parts}.
    std::optional<QString> prediction;
    if (const QJsonValue value = body.value(QLatin1String("prediction"));
        !value.isUndefined() && !value.isNull()) {
        const QJsonObject object = value.toObject();
        const QJsonValue type = object.value(QLatin1String("type"));
        const QJsonValue content = object.value(QLatin1String("content"));
        if (!value.isObject() || type != QLatin1String("content"))
            return invalid(400,
                           QStringLiteral("Invalid 'prediction': expected an object with "
                                          "'type': 'content' and a 'content'."),
                           "invalid_value");
        prediction =
            content.isUndefined() || content.isNull() ? std::nullopt : contentText(content);
        if (!prediction)
            return invalid(400,
                           QStringLiteral("Invalid 'prediction.content': expected a string or "
                                          "an array of text parts."),
                           "invalid_value");
    }
    const bool stream = body.value(QLatin1String("stream")).toBool(false);
    const bool includeUsage = body.value(QLatin1String("stream_options"))
                                  .toObject()
                                  .value(QLatin1String("include_usage"))
                                  .toBool(false);

    Overrides overrides;
    if (auto error = readOverrides(request, &overrides))
        return *error;

    // Counted only once valid, so rejected requests do not shift the draws of later ones. The
    // draw order is fixed (fault roll, fault pick, TTFT, token delays): a seed replays a run.
    const quint64 number = ++m_requestCounter;
    DemoRandom random(DemoRandom::mix(m_config.seed, number));
    std::optional<DemoFault> fault;
    if (random.chance(m_config.faultRate) && !m_config.faults.isEmpty())
        fault = m_config.faults[qsizetype(random.below(quint64(m_config.faults.size())))];
    if (overrides.faultForced)
        fault = overrides.fault;
    if (fault == DemoFault::RejectStreamOptions) {
        // The answer of servers that do not know the field; a body without it is served as usual.
        if (!body.contains(QLatin1String("stream_options"))) {
            fault.reset();
        } else {
            DemoResponse response = DemoResponse::immediate(
                400, "application/json",
                "{\"error\":{\"message\":\"Unrecognized request argument supplied: "
                "stream_options\",\"type\":\"invalid_request_error\",\"param\":"
                "\"stream_options\"}}",
                keepAlive);
            response.model = model;
            response.fault = DemoConfig::faultName(*fault);
            return response;
        }
    }

    if (fault)
        fault = onceFault(*fault, request);

    const quint64 hash = DemoTextGenerator::promptHash(m_config.seed, model, messages);
    QStringList reasoning;
    if (DemoTextGenerator::isReasoningModel(model))
        reasoning = DemoTextGenerator::reasoning(hash);
    QStringList content = DemoTextGenerator::answer(hash);
    // max_tokens caps reasoning and content together, as it does for OpenAI's reasoning models.
    const bool truncated = maxTokens && *maxTokens < reasoning.size() + content.size();
    if (truncated) {
        if (*maxTokens <= reasoning.size()) {
            reasoning = reasoning.mid(0, *maxTokens);
            content.clear();
        } else {
            content = content.mid(0, *maxTokens - reasoning.size());
        }
    }

    DemoCompletionBuilder builder(number,
                                  m_config.answerModel.isEmpty() ? model : m_config.answerModel,
                                  QDateTime::currentSecsSinceEpoch());
    builder.setTokens(reasoning, content, truncated);
    builder.setPromptTokens(wordCount(messages));
    QList<double> due = schedule(overrides.latency, builder.tokenCount() + 1, random);
    if (prediction) {
        builder.setPrediction(*prediction);
        // Scaled after drawing, so a prediction does not shift the draws of later requests.
        const int firstAccepted = int(reasoning.size());
        double previous = due.value(0);
        for (int i = 1; i < due.size(); ++i) {
            const double gap = due[i] - previous;
            previous = due[i];
            const bool accepted = i >= firstAccepted && i < builder.acceptedEnd();
            due[i] = due[i - 1] + (accepted ? gap * kAcceptedDelayFactor : gap);
        }
    }
    builder.setSchedule(due);
    builder.setFaultSeed(m_config.seed);

    DemoResponse response;
    if (isStatusFault(fault)) {
        response = DemoResponse::statusFault(*fault, keepAlive);
    } else if (!stream || fault == DemoFault::IgnoreStream) {
        response =
            builder.complete(fault == DemoFault::IgnoreStream ? std::nullopt : fault, keepAlive);
    } else {
        response = builder.streamed(fault, includeUsage, request.minorVersion >= 1, keepAlive);
    }
    response.model = model;
    if (fault)
        response.fault = DemoConfig::faultName(*fault);
    return response;
}

std::optional<DemoFault> DemoRequestHandler::onceFault(DemoFault fault,
                                                       const DemoHttpRequest& request)
{
    if (fault != DemoFault::Http500Once && fault != DemoFault::Http429Once)
        return fault;
    // A retry sends the same bytes; the fault is part of the key, so that one fault's first
    // attempt does not count as another's.
    const quint64 key = qHashMulti(0, int(fault), request.method, request.path, request.body);
    if (m_failedOnce.takeOrRemember(key))
        return std::nullopt;
    return fault;
}

std::optional<DemoResponse> DemoRequestHandler::readOverrides(const DemoHttpRequest& request,
                                                              Overrides* overrides) const
{
    const bool keepAlive = request.keepAlive;
    const auto invalid = [keepAlive](const QString& message, const QByteArray& code) {
        return DemoResponse::jsonError(400, message, kInvalidRequest, code, keepAlive);
    };

    DemoConfig base = m_config;
    if (request.hasHeader("x-demo-profile")) {
        QString error;
        const auto profile =
            DemoConfig::fromProfile(QString::fromUtf8(request.header("x-demo-profile")), &error);
        if (!profile)
            return invalid(QStringLiteral("Invalid X-Demo-Profile: %1").arg(error),
                           "invalid_demo_profile");
        base = *profile;
    }
    Latency& latency = overrides->latency;
    latency.ttftMedianMs = base.ttftMedianMs;
    latency.ttftSigma = base.ttftSigma;
    latency.tokenDelayMs = base.tokenDelayMs;
    latency.tokenJitterMs = base.tokenJitterMs;

    if (request.hasHeader("x-demo-latency")) {
        // "ttft=<ms>,itl=<ms>", either part optional: fixed values for this request.
        const QString usage = QStringLiteral("Invalid X-Demo-Latency (expected "
                                             "\"ttft=<ms>,itl=<ms>\")");
        for (const QByteArray& item : request.header("x-demo-latency").split(',')) {
            const QList<QByteArray> pair = item.trimmed().split('=');
            bool ok = false;
            const double value = pair.value(1).trimmed().toDouble(&ok);
            if (pair.size() != 2 || !ok || !(value >= 0 && value <= kMaxOverrideMs))
                return invalid(usage, "invalid_demo_latency");
            const QByteArray key = pair[0].trimmed().toLower();
            if (key == "ttft")
                latency.fixedTtftMs = value;
            else if (key == "itl")
                latency.fixedTokenDelayMs = value;
            else
                return invalid(usage, "invalid_demo_latency");
        }
    }

    if (request.hasHeader("x-demo-fault")) {
        const QString name = QString::fromUtf8(request.header("x-demo-fault")).trimmed();
        overrides->faultForced = true;
        if (name.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0) {
            overrides->fault = DemoConfig::faultFromName(name);
            if (!overrides->fault) {
                return invalid(
                    QStringLiteral("Invalid X-Demo-Fault '%1' (expected none, %2)")
                        .arg(shortened(name), DemoConfig::faultNames().join(QStringLiteral(", "))),
                    "invalid_demo_fault");
            }
        }
    }
    return std::nullopt;
}

QList<double> DemoRequestHandler::schedule(const Latency& latency, int tokens,
                                           DemoRandom& random) const
{
    // Drawn even when fixed values override them, so overrides do not shift later draws.
    double ttft = latency.ttftMedianMs <= 0 ? 0
                  : latency.ttftSigma <= 0
                      ? latency.ttftMedianMs
                      : random.logNormal(latency.ttftMedianMs, latency.ttftSigma);
    if (latency.fixedTtftMs)
        ttft = *latency.fixedTtftMs;

    QList<double> due;
    due.reserve(tokens);
    double at = qMax(ttft, 0.0);
    for (int i = 0; i < tokens; ++i) {
        if (i > 0) {
            double delay = latency.tokenJitterMs <= 0
                               ? latency.tokenDelayMs
                               : random.normal(latency.tokenDelayMs, latency.tokenJitterMs);
            if (latency.fixedTokenDelayMs)
                delay = *latency.fixedTokenDelayMs;
            at += qMax(delay, 0.0);
        }
        due.append(at);
    }
    return due;
}

} // namespace adminchat
