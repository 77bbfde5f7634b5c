#include "demo/DemoConfig.h"
#include "demo/DemoRandom.h"
#include "demo/DemoServer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#ifdef Q_OS_UNIX
#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <memory>
#include <optional>

using namespace adminchat;

namespace {

constexpr int kTimeoutMs = 20000;
using Headers = QList<QPair<QByteArray, QByteArray>>;

DemoConfig instantConfig()
{
    return *DemoConfig::fromProfile(QStringLiteral("instant"));
}

QByteArray chatBody(const QString& prompt, const QString& model = QStringLiteral("demo-chat"),
                    bool stream = true, bool includeUsage = true, int maxTokens = 0)
{
    QJsonObject body{{"model", model},
                     {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", prompt}}}},
                     {"stream", stream},
                     {"temperature", 0.7}};
    if (stream)
        body.insert("stream_options", QJsonObject{{"include_usage", includeUsage}});
    if (maxTokens > 0)
        body.insert("max_tokens", maxTokens);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray rawChatRequest(const QByteArray& body, const QByteArray& extraHeaders = {},
                          const QByteArray& version = "HTTP/1.1")
{
    return "POST /v1/chat/completions " + version +
           "\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n" + extraHeaders + "\r\n" + body;
}

// The events of a text/event-stream body, decoded.
struct SseStream
{
    QList<QJsonObject> chunks; // data payloads that are JSON objects
    QList<QByteArray> invalid; // data payloads that are neither JSON nor [DONE]
    bool done = false;
    bool dataAfterDone = false;
    QString content;
    QString reasoning;
    int contentChunks = 0;
    int reasoningChunks = 0;
    int firstContentIndex = -1;
    int lastReasoningIndex = -1;
};

SseStream parseSse(const QByteArray& body)
{
    SseStream stream;
    for (const QByteArray& event : body.split('\n')) {
        if (!event.startsWith("data: "))
            continue;
        const QByteArray data = event.mid(6);
        if (stream.done)
            stream.dataAfterDone = true;
        if (data == "[DONE]") {
            stream.done = true;
            continue;
        }
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(data, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            stream.invalid << data;
            continue;
        }
        const QJsonObject chunk = document.object();
        const QJsonObject delta = chunk["choices"].toArray().first().toObject()["delta"].toObject();
        if (delta.contains("content")) {
            stream.content += delta["content"].toString();
            if (stream.firstContentIndex < 0)
                stream.firstContentIndex = int(stream.chunks.size());
            ++stream.contentChunks;
        }
        if (delta.contains("reasoning_content")) {
            stream.reasoning += delta["reasoning_content"].toString();
            stream.lastReasoningIndex = int(stream.chunks.size());
            ++stream.reasoningChunks;
        }
        stream.chunks << chunk;
    }
    return stream;
}

// One HTTP response read from raw bytes.
struct HttpResponse
{
    int status = 0;
    Headers headers; // names lower-cased
    QByteArray body;
    QList<QByteArray> chunks; // the HTTP chunks, when chunked
    qsizetype consumed = 0;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& entry : headers) {
            if (entry.first == name)
                return entry.second;
        }
        return {};
    }
};

// A complete response at the start of `data`; std::nullopt while more bytes are needed.
// `closed`: the peer closed, which ends a body with neither Content-Length nor chunks.
std::optional<HttpResponse> parseHttpResponse(const QByteArray& data, bool closed = false)
{
    const qsizetype headEnd = data.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return std::nullopt;
    HttpResponse response;
    const QList<QByteArray> lines = data.left(headEnd).split('\n');
    response.status = lines.first().split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        response.headers.append(
            {lines[i].left(colon).toLower(), lines[i].mid(colon + 1).trimmed()});
    }
    qsizetype pos = headEnd + 4;
    if (response.header("transfer-encoding") == "chunked") {
        for (;;) {
            const qsizetype lineEnd = data.indexOf("\r\n", pos);
            if (lineEnd < 0)
                return std::nullopt;
            const qsizetype size = data.mid(pos, lineEnd - pos).toLongLong(nullptr, 16);
            if (data.size() < lineEnd + 2 + size + 2)
                return std::nullopt;
            if (size == 0) {
                response.consumed = lineEnd + 4;
                return response;
            }
            response.chunks << data.mid(lineEnd + 2, size);
            response.body += response.chunks.last();
            pos = lineEnd + 2 + size + 2;
        }
    }
    if (response.header("content-length").isEmpty()) {
        if (!closed)
            return std::nullopt;
        response.body = data.mid(pos);
        response.consumed = data.size();
        return response;
    }
    const qsizetype length = response.header("content-length").toLongLong();
    if (data.size() < pos + length)
        return std::nullopt;
    response.body = data.mid(pos, length);
    response.consumed = pos + length;
    return response;
}

// A raw loopback client keeping the bytes it has read.
struct RawClient
{
    QTcpSocket socket;
    QByteArray buffer;

    bool connectTo(quint16 port)
    {
        socket.setProxy(QNetworkProxy::NoProxy);
        socket.connectToHost(QHostAddress::LocalHost, port);
        return socket.waitForConnected(kTimeoutMs);
    }

    // Waits for one whole response (or the connection closing) and takes it off the buffer.
    std::optional<HttpResponse> read()
    {
        std::optional<HttpResponse> response;
        (void)QTest::qWaitFor(
            [&] {
                buffer += socket.readAll();
                const bool closed = socket.state() == QAbstractSocket::UnconnectedState;
                response = parseHttpResponse(buffer, closed);
                return response || closed;
            },
            kTimeoutMs);
        if (response)
            buffer.remove(0, response->consumed);
        return response;
    }

    std::optional<HttpResponse> exchange(const QByteArray& request)
    {
        socket.write(request);
        return read();
    }
};

const QJsonObject jsonOf(const QByteArray& bytes)
{
    return QJsonDocument::fromJson(bytes).object();
}

} // namespace

class Tst_demoserver : public QObject
{
    Q_OBJECT

private:
    void startServer(const DemoConfig& config);
    QNetworkRequest request(const QString& path, const Headers& headers = {}) const;
    QNetworkReply* post(const QByteArray& body, const Headers& headers = {});
    QNetworkReply* get(const QString& path);
    // Waits for the reply to finish (false on time-out).
    static bool finish(QNetworkReply* reply);
    static int status(QNetworkReply* reply);
    // A streamed chat request through QNAM, checked for status 200 and returned decoded.
    SseStream streamChat(const QByteArray& body, const Headers& headers = {});

    std::unique_ptr<DemoServer> m_server;
    std::unique_ptr<QNetworkAccessManager> m_nam;

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void configProfilesAndFaultNames();
    void randomIsPortableAndShaped();
    void modelsList();
    void streamedAnswer();
    void streamWithoutUsage();
    void determinism();
    void answersVaryInLengthAndMarkdown();
    void maxTokensGivesLength();
    void reasonerSendsReasoningFirst();
    void nonStreamedAnswer();
    void keepAliveOnRawSocket();
    void pipelinedRequests();
    void singleByteWrites();
    void http10Stream();
    void faultHttp500();
    void faultHttp429();
    void faultHtml502();
    void faultReset();
    void faultResetSendsRst();
    void faultStall();
    void faultErrorAfter200();
    void faultCutOff();
    void faultMalformedChunk();
    void faultIgnoreStream();
    void faultRateAlwaysWithOneFault();
    void faultRateIsSeeded();
    void apiKeyRequired();
    void routingAndValidationErrors();
    void garbageInput();
    void clientVanishesMidStream();
    void fixedLatencyOverride();
    void concurrentStreams();
};

void Tst_demoserver::initTestCase()
{
    // One debug line per request is too chatty here; QT_LOGGING_RULES brings it back.
    if (qEnvironmentVariableIsEmpty("QT_LOGGING_RULES"))
        QLoggingCategory::setFilterRules(QStringLiteral("adminchat.demo.debug=false"));
}

void Tst_demoserver::init()
{
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setProxy(QNetworkProxy::NoProxy);
    startServer(instantConfig());
}

void Tst_demoserver::cleanup()
{
    m_nam.reset();
    m_server.reset();
}

void Tst_demoserver::startServer(const DemoConfig& config)
{
    m_server = std::make_unique<DemoServer>(config);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    QVERIFY(m_server->port() != 0);
}

QNetworkRequest Tst_demoserver::request(const QString& path, const Headers& headers) const
{
    QUrl url = m_server->baseUrl();
    url.setPath(path);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    for (const auto& [name, value] : headers)
        request.setRawHeader(name, value);
    return request;
}

QNetworkReply* Tst_demoserver::post(const QByteArray& body, const Headers& headers)
{
    return m_nam->post(request(QStringLiteral("/v1/chat/completions"), headers), body);
}

QNetworkReply* Tst_demoserver::get(const QString& path)
{
    return m_nam->get(request(path));
}

bool Tst_demoserver::finish(QNetworkReply* reply)
{
    return QTest::qWaitFor([reply] { return reply->isFinished(); }, kTimeoutMs);
}

int Tst_demoserver::status(QNetworkReply* reply)
{
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

SseStream Tst_demoserver::streamChat(const QByteArray& body, const Headers& headers)
{
    QNetworkReply* reply = post(body, headers);
    if (!finish(reply) || status(reply) != 200 || reply->error() != QNetworkReply::NoError)
        return {};
    return parseSse(reply->readAll());
}

void Tst_demoserver::configProfilesAndFaultNames()
{
    QCOMPARE(DemoConfig::profileNames(), QStringList({"instant", "realistic", "slow"}));
    const DemoConfig instant = *DemoConfig::fromProfile(QStringLiteral("instant"));
    QCOMPARE(instant.ttftMedianMs, 0.0);
    QCOMPARE(instant.tokenDelayMs, 0.0);
    const DemoConfig realistic = *DemoConfig::fromProfile(QStringLiteral("Realistic"));
    QCOMPARE(realistic.ttftMedianMs, 350.0);
    QCOMPARE(realistic.ttftSigma, 0.5);
    QCOMPARE(realistic.tokenDelayMs, 25.0);
    QCOMPARE(realistic.tokenJitterMs, 8.0);
    const DemoConfig slow = *DemoConfig::fromProfile(QStringLiteral("slow"));
    QCOMPARE(slow.ttftMedianMs, 2500.0);
    QCOMPARE(slow.ttftSigma, 0.4);
    QCOMPARE(slow.tokenDelayMs, 90.0);
    QCOMPARE(slow.tokenJitterMs, 25.0);
    QString error;
    QVERIFY(!DemoConfig::fromProfile(QStringLiteral("warp"), &error));
    QVERIFY(error.contains("warp"));

    QCOMPARE(DemoConfig::faultNames().size(), 9);
    for (const QString& name : DemoConfig::faultNames())
        QCOMPARE(DemoConfig::faultName(*DemoConfig::faultFromName(name)), name);
    QCOMPARE(DemoConfig::faultFromName(QStringLiteral("error-after-200")),
             DemoFault::ErrorAfter200);
    QVERIFY(!DemoConfig::faultFromName(QStringLiteral("bogus")));
}

void Tst_demoserver::randomIsPortableAndShaped()
{
    // The raw engine is fixed by the standard: the 10000th value of the default seed.
    DemoRandom engine(5489);
    for (int i = 0; i < 9999; ++i)
        engine.next();
    QCOMPARE(engine.next(), Q_UINT64_C(9981545732273789042));

    DemoRandom a(7), b(7);
    double sum = 0, squares = 0;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        const double x = a.normal();
        QCOMPARE(x, b.normal());
        sum += x;
        squares += x * x;
    }
    const double mean = sum / n;
    QVERIFY(qAbs(mean) < 0.05);
    QVERIFY(qAbs(std::sqrt(squares / n - mean * mean) - 1.0) < 0.05);

    int below = 0;
    for (int i = 0; i < n; ++i)
        below += a.logNormal(350, 0.5) < 350 ? 1 : 0;
    QVERIFY(qAbs(below / double(n) - 0.5) < 0.03); // the median is the median
}

void Tst_demoserver::modelsList()
{
    QNetworkReply* reply = get(QStringLiteral("/v1/models"));
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 200);
    const QJsonObject list = jsonOf(reply->readAll());
    QCOMPARE(list["object"].toString(), QStringLiteral("list"));
    const QJsonArray data = list["data"].toArray();
    QCOMPARE(data.size(), 2);
    QStringList ids;
    for (const QJsonValue& model : data) {
        ids << model["id"].toString();
        QCOMPARE(model["object"].toString(), QStringLiteral("model"));
        QCOMPARE(model["owned_by"].toString(), QStringLiteral("adminchat-demo"));
        QVERIFY(model["created"].toInteger() > 0);
    }
    QCOMPARE(ids, DemoServer::modelNames());
    QCOMPARE(m_server->baseUrl().toString(),
             QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server->port()));
}

void Tst_demoserver::streamedAnswer()
{
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    QNetworkReply* reply = post(chatBody(QStringLiteral("Hello there")));
    QVERIFY(finish(reply));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(status(reply), 200);
    QCOMPARE(reply->rawHeader("Content-Type"), QByteArray("text/event-stream"));
    QCOMPARE(reply->rawHeader("Cache-Control"), QByteArray("no-cache"));
    const SseStream sse = parseSse(reply->readAll());

    QVERIFY(sse.invalid.isEmpty());
    QVERIFY(sse.done);
    QVERIFY(!sse.dataAfterDone);
    QVERIFY(sse.chunks.size() >= 40 + 2);
    const QJsonObject first = sse.chunks.first();
    QVERIFY(first["id"].toString().startsWith("chatcmpl-demo-"));
    QCOMPARE(first["object"].toString(), QStringLiteral("chat.completion.chunk"));
    QCOMPARE(first["model"].toString(), QStringLiteral("demo-chat"));
    QVERIFY(first["created"].toInteger() > 0);
    QCOMPARE(first["choices"][0]["delta"]["role"].toString(), QStringLiteral("assistant"));
    QVERIFY(first["choices"][0]["finish_reason"].isNull());
    QVERIFY(sse.contentChunks >= 40 && sse.contentChunks <= 220);
    QVERIFY(sse.content.size() > 100);
    QCOMPARE(sse.reasoningChunks, 0);

    const QJsonObject finishChunk = sse.chunks[sse.chunks.size() - 2];
    QCOMPARE(finishChunk["choices"][0]["finish_reason"].toString(), QStringLiteral("stop"));
    QVERIFY(finishChunk["choices"][0]["delta"].toObject().isEmpty());

    const QJsonObject usageChunk = sse.chunks.last();
    QVERIFY(usageChunk["choices"].isArray());
    QVERIFY(usageChunk["choices"].toArray().isEmpty());
    const QJsonObject usage = usageChunk["usage"].toObject();
    QCOMPARE(usage["completion_tokens"].toInt(), sse.contentChunks);
    QCOMPARE(usage["prompt_tokens"].toInt(), 2);
    QCOMPARE(usage["total_tokens"].toInt(), 2 + sse.contentChunks);
    QCOMPARE(usageChunk["id"], first["id"]);

    QTRY_COMPARE_WITH_TIMEOUT(served.size(), 1, kTimeoutMs);
    QCOMPARE(served.first().first().toInt(), 200);
}

void Tst_demoserver::streamWithoutUsage()
{
    const SseStream sse =
        streamChat(chatBody(QStringLiteral("No usage"), QStringLiteral("demo-chat"), true, false));
    QVERIFY(sse.done);
    for (const QJsonObject& chunk : sse.chunks) {
        QVERIFY(!chunk.contains("usage"));
        QCOMPARE(chunk["choices"].toArray().size(), 1);
    }
    QCOMPARE(sse.chunks.last()["choices"][0]["finish_reason"].toString(), QStringLiteral("stop"));
}

void Tst_demoserver::determinism()
{
    const SseStream first = streamChat(chatBody(QStringLiteral("Explain caching")));
    const SseStream second = streamChat(chatBody(QStringLiteral("Explain caching")));
    const SseStream other = streamChat(chatBody(QStringLiteral("Explain queues")));
    QVERIFY(!first.content.isEmpty());
    QCOMPARE(second.content, first.content);
    QCOMPARE(second.contentChunks, first.contentChunks);
    QVERIFY(!other.content.isEmpty());
    QVERIFY(other.content != first.content);

    // Another server with the same seed gives the same text; another seed does not.
    startServer(instantConfig());
    QCOMPARE(streamChat(chatBody(QStringLiteral("Explain caching"))).content, first.content);
    DemoConfig reseeded = instantConfig();
    reseeded.seed = 43;
    startServer(reseeded);
    const QString differentSeed = streamChat(chatBody(QStringLiteral("Explain caching"))).content;
    QVERIFY(!differentSeed.isEmpty());
    QVERIFY(differentSeed != first.content);
}

void Tst_demoserver::answersVaryInLengthAndMarkdown()
{
    int shortest = 1000, longest = 0;
    bool sawCode = false, sawList = false;
    for (int i = 0; i < 60; ++i) {
        const SseStream sse = streamChat(chatBody(QStringLiteral("Question number %1").arg(i)));
        QVERIFY(sse.done);
        shortest = qMin(shortest, sse.contentChunks);
        longest = qMax(longest, sse.contentChunks);
        sawCode = sawCode || sse.content.contains("```python\n");
        sawList = sawList || sse.content.contains("\n- ") || sse.content.contains("\n1. ");
        QVERIFY(!sse.content.endsWith('\n'));
        // A code block that is opened is also closed.
        QCOMPARE(sse.content.count("```") % 2, 0);
    }
    QVERIFY(shortest >= 40);
    QVERIFY(longest <= 220);
    QVERIFY(longest - shortest > 50);
    QVERIFY(sawCode);
    QVERIFY(sawList);
}

void Tst_demoserver::maxTokensGivesLength()
{
    const SseStream sse = streamChat(
        chatBody(QStringLiteral("Be brief"), QStringLiteral("demo-chat"), true, true, 7));
    QCOMPARE(sse.contentChunks, 7);
    QCOMPARE(sse.chunks[sse.chunks.size() - 2]["choices"][0]["finish_reason"].toString(),
             QStringLiteral("length"));
    QCOMPARE(sse.chunks.last()["usage"]["completion_tokens"].toInt(), 7);
    QVERIFY(sse.done);

    // The text is the start of the uncapped answer.
    const SseStream full = streamChat(chatBody(QStringLiteral("Be brief")));
    QVERIFY(full.content.startsWith(sse.content));
}

void Tst_demoserver::reasonerSendsReasoningFirst()
{
    const SseStream sse =
        streamChat(chatBody(QStringLiteral("Think about it"), QStringLiteral("demo-reasoner")));
    QVERIFY(sse.done);
    QVERIFY(sse.reasoningChunks >= 20 && sse.reasoningChunks <= 60);
    QVERIFY(sse.contentChunks >= 40);
    QCOMPARE(sse.lastReasoningIndex + 1, sse.firstContentIndex);
    const QJsonObject delta = sse.chunks.first()["choices"][0]["delta"].toObject();
    QCOMPARE(delta["role"].toString(), QStringLiteral("assistant"));
    QVERIFY(delta.contains("reasoning_content"));
    QCOMPARE(sse.chunks.first()["model"].toString(), QStringLiteral("demo-reasoner"));
    QCOMPARE(sse.chunks.last()["usage"]["completion_tokens"].toInt(),
             sse.reasoningChunks + sse.contentChunks);
}

void Tst_demoserver::nonStreamedAnswer()
{
    const SseStream streamed =
        streamChat(chatBody(QStringLiteral("Same prompt"), QStringLiteral("demo-reasoner")));
    QNetworkReply* reply =
        post(chatBody(QStringLiteral("Same prompt"), QStringLiteral("demo-reasoner"), false));
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 200);
    QCOMPARE(reply->rawHeader("Content-Type"), QByteArray("application/json"));
    const QByteArray bytes = reply->readAll();
    QCOMPARE(reply->rawHeader("Content-Length").toLongLong(), bytes.size());
    const QJsonObject completion = jsonOf(bytes);
    QCOMPARE(completion["object"].toString(), QStringLiteral("chat.completion"));
    const QJsonObject choice = completion["choices"][0].toObject();
    QCOMPARE(choice["finish_reason"].toString(), QStringLiteral("stop"));
    QCOMPARE(choice["message"]["role"].toString(), QStringLiteral("assistant"));
    QCOMPARE(choice["message"]["content"].toString(), streamed.content);
    QCOMPARE(choice["message"]["reasoning_content"].toString(), streamed.reasoning);
    QCOMPARE(completion["usage"]["completion_tokens"].toInt(),
             streamed.contentChunks + streamed.reasoningChunks);

    QNetworkReply* chat =
        post(chatBody(QStringLiteral("Plain"), QStringLiteral("demo-chat"), false));
    QVERIFY(finish(chat));
    QVERIFY(
        !jsonOf(chat->readAll())["choices"][0]["message"].toObject().contains("reasoning_content"));
}

void Tst_demoserver::keepAliveOnRawSocket()
{
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    const auto models = client.exchange("GET /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\n");
    QVERIFY(models);
    QCOMPARE(models->status, 200);
    QCOMPARE(models->header("connection"), QByteArray("keep-alive"));

    const auto stream = client.exchange(rawChatRequest(chatBody(QStringLiteral("One"))));
    QVERIFY(stream);
    QCOMPARE(stream->status, 200);
    QCOMPARE(stream->header("transfer-encoding"), QByteArray("chunked"));
    // Each SSE event is exactly one HTTP chunk.
    QVERIFY(stream->chunks.size() > 40);
    for (const QByteArray& chunk : stream->chunks) {
        QVERIFY(chunk.startsWith("data: "));
        QVERIFY(chunk.endsWith("\n\n"));
        QCOMPARE(chunk.count("\n\n"), 1);
    }
    QVERIFY(parseSse(stream->body).done);

    const auto plain =
        client.exchange(rawChatRequest(chatBody(QStringLiteral("Two"), "demo-chat", false)));
    QVERIFY(plain);
    QCOMPARE(jsonOf(plain->body)["object"].toString(), QStringLiteral("chat.completion"));
    QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_server->connectionCount(), 1);

    // "Connection: close" is honoured: the server closes after the answer.
    const auto last =
        client.exchange("GET /v1/models HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    QVERIFY(last);
    QCOMPARE(last->header("connection"), QByteArray("close"));
    QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::UnconnectedState, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
}

void Tst_demoserver::pipelinedRequests()
{
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    client.socket.write(rawChatRequest(chatBody(QStringLiteral("First"))) +
                        "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n" +
                        rawChatRequest(chatBody(QStringLiteral("Third"), "demo-chat", false)));
    const auto first = client.read();
    const auto second = client.read();
    const auto third = client.read();
    QVERIFY(first && second && third);
    QVERIFY(parseSse(first->body).done);
    QCOMPARE(jsonOf(second->body)["object"].toString(), QStringLiteral("list"));
    QCOMPARE(jsonOf(third->body)["object"].toString(), QStringLiteral("chat.completion"));
}

void Tst_demoserver::singleByteWrites()
{
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    client.socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    const QByteArray request = rawChatRequest(chatBody(QStringLiteral("Byte by byte")));
    for (const char byte : request) {
        client.socket.write(&byte, 1);
        client.socket.flush();
        QCoreApplication::processEvents();
    }
    const auto response = client.read();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    const SseStream sse = parseSse(response->body);
    QVERIFY(sse.done);
    QCOMPARE(sse.content, streamChat(chatBody(QStringLiteral("Byte by byte"))).content);
    QCOMPARE(served.first().first().toInt(), 200);
}

void Tst_demoserver::http10Stream()
{
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    const auto response =
        client.exchange(rawChatRequest(chatBody(QStringLiteral("Old client")), {}, "HTTP/1.0"));
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY(response->header("transfer-encoding").isEmpty()); // no chunks for HTTP/1.0
    QVERIFY(parseSse(response->body).done);
    QCOMPARE(client.socket.state(), QAbstractSocket::UnconnectedState);
}

void Tst_demoserver::faultHttp500()
{
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "500"}});
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 500);
    const QJsonObject error = jsonOf(reply->readAll())["error"].toObject();
    QCOMPARE(error["message"].toString(),
             QStringLiteral("The server had an error while processing your request (simulated)"));
    QCOMPARE(error["type"].toString(), QStringLiteral("server_error"));
}

void Tst_demoserver::faultHttp429()
{
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "429"}});
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 429);
    QCOMPARE(reply->rawHeader("Retry-After"), QByteArray("1"));
    QCOMPARE(reply->rawHeader("retry-after-ms"), QByteArray("1000"));
    QCOMPARE(jsonOf(reply->readAll())["error"]["message"].toString(),
             QStringLiteral("Rate limit reached (simulated)"));
}

void Tst_demoserver::faultHtml502()
{
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "html502"}});
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 502);
    QVERIFY(reply->rawHeader("Content-Type").startsWith("text/html"));
    const QByteArray body = reply->readAll();
    QVERIFY(body.startsWith("<html><head><title>502 Bad Gateway</title>"));
    QVERIFY(body.contains("<center>nginx</center>"));
}

void Tst_demoserver::faultReset()
{
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "reset"}});
    QByteArray received;
    connect(reply, &QNetworkReply::readyRead, this, [&] { received += reply->readAll(); });
    QVERIFY(finish(reply));
    received += reply->readAll();
    QVERIFY(reply->error() != QNetworkReply::NoError);
    const SseStream sse = parseSse(received);
    QCOMPARE(sse.contentChunks, 5);
    QVERIFY(!sse.done);
    QTRY_COMPARE_WITH_TIMEOUT(served.size(), 1, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
}

void Tst_demoserver::faultResetSendsRst()
{
#ifdef Q_OS_UNIX
    // A plain non-blocking socket tells a reset (ECONNRESET) from a clean close (recv 0),
    // which QTcpSocket reports alike.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(m_server->port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    const QByteArray request =
        rawChatRequest(chatBody(QStringLiteral("x")), "X-Demo-Fault: reset\r\n");
    QCOMPARE(::send(fd, request.constData(), size_t(request.size()), 0), request.size());
    QByteArray received;
    int error = 0;
    const bool ended = QTest::qWaitFor(
        [&] {
            char buffer[4096];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0)
                received.append(buffer, n);
            else if (n == 0)
                error = -1; // orderly close: not what we want
            else if (errno != EAGAIN && errno != EWOULDBLOCK)
                error = errno;
            return error != 0;
        },
        kTimeoutMs);
    ::close(fd);
    QVERIFY(ended);
    QCOMPARE(error, ECONNRESET);
    QVERIFY(received.startsWith("HTTP/1.1 200 OK"));
    QCOMPARE(received.count("\"content\":"), 5);
#else
    QSKIP("needs BSD sockets");
#endif
}

void Tst_demoserver::faultStall()
{
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "stall"}});
    QByteArray received;
    connect(reply, &QNetworkReply::readyRead, this, [&] { received += reply->readAll(); });
    QTRY_COMPARE_WITH_TIMEOUT(parseSse(received).contentChunks, 5, kTimeoutMs);
    const qsizetype before = received.size();
    QTest::qWait(500);
    QCOMPARE(received.size(), before);
    QVERIFY(reply->isRunning());
    QVERIFY(!reply->isFinished());
    QCOMPARE(m_server->connectionCount(), 1);
    QCOMPARE(served.size(), 0);

    reply->abort(); // the client gives up; the server must let go of the connection
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
    QCOMPARE(served.size(), 1);
    QCOMPARE(served.first().first().toInt(), 200);
}

void Tst_demoserver::faultErrorAfter200()
{
    QNetworkReply* reply =
        post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "error-after-200"}});
    QVERIFY(finish(reply));
    QCOMPARE(reply->error(), QNetworkReply::NoError); // the body ends properly
    QCOMPARE(status(reply), 200);
    const SseStream sse = parseSse(reply->readAll());
    QCOMPARE(sse.contentChunks, 5);
    QVERIFY(!sse.done);
    const QJsonObject error = sse.chunks.last()["error"].toObject();
    QCOMPARE(error["message"].toString(),
             QStringLiteral("The model produced invalid content (simulated)"));
    QCOMPARE(error["type"].toString(), QStringLiteral("server_error"));
    QCOMPARE(error["code"].toString(), QStringLiteral("server_error"));
}

void Tst_demoserver::faultCutOff()
{
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    const auto response =
        client.exchange(rawChatRequest(chatBody(QStringLiteral("x")), "X-Demo-Fault: cut-off\r\n"));
    QVERIFY(response); // a complete chunked body, terminated with 0\r\n\r\n
    QCOMPARE(response->status, 200);
    const SseStream sse = parseSse(response->body);
    QCOMPARE(sse.contentChunks, 5);
    QCOMPARE(sse.chunks.size(), 5);
    QVERIFY(!sse.done);
    QVERIFY(!response->body.contains("finish_reason\":\""));
    QCOMPARE(client.socket.state(), QAbstractSocket::ConnectedState);
}

void Tst_demoserver::faultMalformedChunk()
{
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "malformed"}});
    QVERIFY(finish(reply));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    const SseStream sse = parseSse(reply->readAll());
    QCOMPARE(sse.contentChunks, 5);
    QCOMPARE(sse.invalid.size(), 1);
    QCOMPARE(sse.invalid.first(), QByteArray(R"({"choices":[{"delta":{"content":"x")"));
    QVERIFY(sse.done);
}

void Tst_demoserver::faultIgnoreStream()
{
    QNetworkReply* reply = post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "ignore-stream"}});
    QVERIFY(finish(reply));
    QCOMPARE(status(reply), 200);
    QCOMPARE(reply->rawHeader("Content-Type"), QByteArray("application/json"));
    const QJsonObject completion = jsonOf(reply->readAll());
    QCOMPARE(completion["object"].toString(), QStringLiteral("chat.completion"));
    QCOMPARE(completion["choices"][0]["message"]["content"].toString(),
             streamChat(chatBody(QStringLiteral("x"))).content);
}

void Tst_demoserver::faultRateAlwaysWithOneFault()
{
    DemoConfig config = instantConfig();
    config.faultRate = 1.0;
    config.faults = {DemoFault::Http429};
    startServer(config);
    for (int i = 0; i < 3; ++i) {
        QNetworkReply* reply = post(chatBody(QStringLiteral("Prompt %1").arg(i)));
        QVERIFY(finish(reply));
        QCOMPARE(status(reply), 429);
    }
    // "X-Demo-Fault: none" overrides the rate for one request.
    const SseStream sse = streamChat(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "none"}});
    QVERIFY(sse.done);
}

void Tst_demoserver::faultRateIsSeeded()
{
    DemoConfig config = instantConfig();
    config.faultRate = 0.5;
    config.faults = {DemoFault::Http500, DemoFault::Html502};
    const auto run = [&] {
        startServer(config);
        QList<int> statuses;
        for (int i = 0; i < 24; ++i) {
            QNetworkReply* reply = post(chatBody(QStringLiteral("Same")));
            if (!finish(reply))
                return QList<int>();
            statuses << status(reply);
        }
        return statuses;
    };
    const QList<int> first = run();
    QCOMPARE(first.size(), 24);
    QVERIFY(first.contains(200));
    QVERIFY(first.contains(500));
    QVERIFY(first.contains(502));
    QCOMPARE(run(), first); // same seed, same sequence
}

void Tst_demoserver::apiKeyRequired()
{
    DemoConfig config = instantConfig();
    config.requiredApiKey = QStringLiteral("sk-demo-secret");
    startServer(config);

    QNetworkReply* missing = post(chatBody(QStringLiteral("x")));
    QVERIFY(finish(missing));
    QCOMPARE(status(missing), 401);
    QNetworkReply* wrong =
        post(chatBody(QStringLiteral("x")), {{"Authorization", "Bearer sk-wrong-guess"}});
    QVERIFY(finish(wrong));
    QCOMPARE(status(wrong), 401);
    const QByteArray body = wrong->readAll();
    QVERIFY(!body.contains("sk-wrong-guess"));
    QVERIFY(!body.contains("sk-demo-secret"));
    QVERIFY(jsonOf(body)["error"]["message"].toString().startsWith("Incorrect API key provided"));
    QCOMPARE(jsonOf(body)["error"]["type"].toString(), QStringLiteral("invalid_request_error"));

    const SseStream sse =
        streamChat(chatBody(QStringLiteral("x")), {{"Authorization", "Bearer sk-demo-secret"}});
    QVERIFY(sse.done);
}

void Tst_demoserver::routingAndValidationErrors()
{
    const auto check = [this](QNetworkReply* reply, int expected, const QString& message) {
        if (!finish(reply))
            return false;
        const QJsonObject error = jsonOf(reply->readAll())["error"].toObject();
        if (status(reply) != expected || !error["message"].toString().contains(message)) {
            qWarning() << status(reply) << error;
            return false;
        }
        return error["type"].toString() == QLatin1String("invalid_request_error");
    };
    QVERIFY(check(get(QStringLiteral("/v2/models")), 404, "Invalid URL"));
    QVERIFY(check(get(QStringLiteral("/models")), 404, "Invalid URL"));
    QVERIFY(check(get(QStringLiteral("/v1/chat/completions")), 405, "not allowed"));
    QVERIFY(check(m_nam->post(request(QStringLiteral("/v1/models")), QByteArray("{}")), 405,
                  "not allowed"));
    QVERIFY(check(post("{not json"), 400, "could not parse the JSON body of your request"));
    QVERIFY(check(post("[1,2]"), 400, "could not parse the JSON body of your request"));
    QVERIFY(check(post(chatBody(QStringLiteral("x"), QStringLiteral("gpt-9"))), 404,
                  "The model `gpt-9` does not exist"));
    QVERIFY(check(post(R"({"model":"demo-chat"})"), 400, "messages"));
    QVERIFY(check(post(R"({"model":"demo-chat","messages":[{"role":"user","content":"x"}],)"
                       R"("max_tokens":0})"),
                  400, "max_tokens"));
    QVERIFY(check(post(chatBody(QStringLiteral("x")), {{"X-Demo-Fault", "meteor"}}), 400,
                  "X-Demo-Fault"));
    QVERIFY(check(post(chatBody(QStringLiteral("x")), {{"X-Demo-Profile", "warp"}}), 400,
                  "X-Demo-Profile"));
    QVERIFY(check(post(chatBody(QStringLiteral("x")), {{"X-Demo-Latency", "ttft=-3"}}), 400,
                  "X-Demo-Latency"));

    QNetworkReply* wrongMethod = get(QStringLiteral("/v1/chat/completions"));
    QVERIFY(finish(wrongMethod));
    QCOMPARE(wrongMethod->rawHeader("Allow"), QByteArray("POST"));
}

void Tst_demoserver::garbageInput()
{
    struct Case
    {
        QByteArray bytes;
        int status;
    };
    const QList<Case> cases{
        {"GARBAGE\r\n\r\n", 400},
        {QByteArray("\x00\xff\x13 / \x01\r\n\r\n", 12), 400},
        {"GET /v1/models HTTP/2.0\r\n\r\n", 505},
        {"GET /v1/models HTTP/1.1\r\nNo colon here\r\n\r\n", 400},
        {"GET /v1/models HTTP/1.1\r\nX: " + QByteArray(70 * 1024, 'a'), 431},
        {"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", 413},
        {"POST /v1/chat/completions HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400},
        {"POST /v1/chat/completions HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411},
    };
    for (const Case& c : cases) {
        RawClient client;
        QVERIFY(client.connectTo(m_server->port()));
        const auto response = client.exchange(c.bytes);
        QVERIFY2(response, c.bytes.left(40).constData());
        QCOMPARE(response->status, c.status);
        QCOMPARE(response->header("connection"), QByteArray("close"));
        QTRY_COMPARE_WITH_TIMEOUT(client.socket.state(), QAbstractSocket::UnconnectedState,
                                  kTimeoutMs);
    }

    // Random bytes, some ending in a blank line, from clients that then vanish.
    QRandomGenerator random(1234);
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < 100; ++i) {
        QByteArray noise(int(random.bounded(1, 3000)), Qt::Uninitialized);
        for (char& c : noise)
            c = char(random.bounded(256));
        if (i % 2 == 0)
            noise += "\r\n\r\n";
        auto socket = std::make_unique<QTcpSocket>();
        socket->setProxy(QNetworkProxy::NoProxy);
        socket->connectToHost(QHostAddress::LocalHost, m_server->port());
        socket->write(noise);
        sockets.push_back(std::move(socket));
    }
    QTest::qWait(200);
    sockets.clear();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
    QVERIFY(streamChat(chatBody(QStringLiteral("still alive"))).done);
}

void Tst_demoserver::clientVanishesMidStream()
{
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    RawClient client;
    QVERIFY(client.connectTo(m_server->port()));
    client.socket.write(
        rawChatRequest(chatBody(QStringLiteral("long")), "X-Demo-Latency: ttft=0,itl=20\r\n"));
    QTRY_VERIFY_WITH_TIMEOUT((client.buffer += client.socket.readAll()).count("data: ") >= 3,
                             kTimeoutMs);
    QCOMPARE(m_server->connectionCount(), 1);
    QCOMPARE(served.size(), 0);
    client.socket.abort();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
    QCOMPARE(served.size(), 1);
    QTest::qWait(100); // the stream's timer must be gone: no late signal, no crash
    QCOMPARE(served.size(), 1);
}

void Tst_demoserver::fixedLatencyOverride()
{
    // A realistic server: the header must override its random latency.
    startServer(*DemoConfig::fromProfile(QStringLiteral("realistic")));
    QElapsedTimer clock;
    clock.start();
    QNetworkReply* reply =
        post(chatBody(QStringLiteral("timed"), QStringLiteral("demo-chat"), true, true, 10),
             {{"X-Demo-Latency", "ttft=100,itl=20"}});
    QByteArray pending;
    QList<double> arrivals;
    connect(reply, &QNetworkReply::readyRead, this, [&] {
        pending += reply->readAll();
        const double now = double(clock.nsecsElapsed()) / 1e6;
        qsizetype end;
        while ((end = pending.indexOf("\n\n")) >= 0) {
            if (parseSse(pending.left(end + 2)).contentChunks == 1)
                arrivals << now;
            pending.remove(0, end + 2);
        }
    });
    QVERIFY(finish(reply));
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(arrivals.size(), 10);
    QVERIFY2(arrivals.first() >= 100, qPrintable(QString::number(arrivals.first())));
    const double meanGap = (arrivals.last() - arrivals.first()) / 9;
    QVERIFY2(meanGap >= 18, qPrintable(QString::number(meanGap)));
    for (int i = 0; i < arrivals.size(); ++i)
        QVERIFY(arrivals[i] >= 100 + 20 * i - 1); // the schedule never runs early
}

void Tst_demoserver::concurrentStreams()
{
    constexpr int count = 50;
    QSignalSpy served(m_server.get(), &DemoServer::requestServed);
    QElapsedTimer clock;
    clock.start();
    std::vector<std::unique_ptr<RawClient>> clients;
    for (int i = 0; i < count; ++i) {
        auto client = std::make_unique<RawClient>();
        client->socket.setProxy(QNetworkProxy::NoProxy);
        client->socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        client->socket.write(rawChatRequest(chatBody(QStringLiteral("Stream %1").arg(i),
                                                     QStringLiteral("demo-chat"), true, true, 40),
                                            "X-Demo-Latency: ttft=0,itl=10\r\n"));
        clients.push_back(std::move(client));
    }
    QList<double> firstContent(count, -1), completed(count, -1);
    QList<std::optional<HttpResponse>> responses(count);
    const bool allDone = QTest::qWaitFor(
        [&] {
            for (int i = 0; i < count; ++i) {
                if (responses[i])
                    continue;
                RawClient& client = *clients[size_t(i)];
                client.buffer += client.socket.readAll();
                const double now = double(clock.nsecsElapsed()) / 1e6;
                if (firstContent[i] < 0 && client.buffer.contains("\"content\":"))
                    firstContent[i] = now;
                responses[i] = parseHttpResponse(client.buffer);
                if (responses[i])
                    completed[i] = now;
            }
            return !completed.contains(-1);
        },
        60000);
    QVERIFY(allDone);
    for (int i = 0; i < count; ++i) {
        QCOMPARE(responses[i]->status, 200);
        const SseStream sse = parseSse(responses[i]->body);
        QVERIFY(sse.done);
        QCOMPARE(sse.contentChunks, 40);
    }
    // They really ran side by side: every stream had started before the first one ended.
    const double firstEnd = *std::min_element(completed.begin(), completed.end());
    const double lastStart = *std::max_element(firstContent.begin(), firstContent.end());
    QVERIFY2(lastStart < firstEnd,
             qPrintable(
                 QStringLiteral("last start %1 ms, first end %2 ms").arg(lastStart).arg(firstEnd)));
    QTRY_COMPARE_WITH_TIMEOUT(served.size(), count, kTimeoutMs);
    QCOMPARE(m_server->connectionCount(), count);
    clients.clear();
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connectionCount(), 0, kTimeoutMs);
}

QTEST_GUILESS_MAIN(Tst_demoserver)
#include "tst_demoserver.moc"
