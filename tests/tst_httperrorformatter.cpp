#include "openai/HttpErrorFormatter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace adminchat;

class TestHttpErrorFormatter : public QObject
{
    Q_OBJECT
private slots:
    void format_data();
    void format();
    void truncatesLongMessages();
    void truncatesLongHtmlTitleKeepingSuffix();
    void messageFromErrorValue_data();
    void messageFromErrorValue();
    void reasonPhrase_data();
    void reasonPhrase();
};

void TestHttpErrorFormatter::format_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("reason");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected");

    const QByteArray json = "application/json; charset=utf-8";
    const QByteArray html = "text/html";
    const QByteArray text = "text/plain";

    // JSON shapes.
    QTest::newRow("openai error.message")
        << 401 << QByteArray("Unauthorized") << json
        << QByteArray(R"({"error":{"message":"Incorrect API key provided: sk-abc***xyz",)"
                      R"("type":"invalid_request_error","param":null,"code":"invalid_api_key"}})")
        << "HTTP 401 Unauthorized: Incorrect API key provided: sk-abc***xyz";
    QTest::newRow("error as string")
        << 404 << QByteArray("Not Found") << json
        << QByteArray(R"({"error":"model 'llama3' not found, try pulling it first"})")
        << "HTTP 404 Not Found: model 'llama3' not found, try pulling it first";
    QTest::newRow("top-level message, phrase from table")
        << 429 << QByteArray() << json << QByteArray(R"({"message":"Rate limit reached"})")
        << "HTTP 429 Too Many Requests: Rate limit reached";
    QTest::newRow("vllm object error")
        << 404 << QByteArray() << json
        << QByteArray(R"({"object":"error","message":"The model `foo` does not exist.",)"
                      R"("type":"NotFoundError","param":null,"code":404})")
        << "HTTP 404 Not Found: The model `foo` does not exist.";
    QTest::newRow("detail string")
        << 401 << QByteArray() << json << QByteArray(R"({"detail":"Not authenticated"})")
        << "HTTP 401 Unauthorized: Not authenticated";
    QTest::newRow("fastapi detail list")
        << 422 << QByteArray() << json
        << QByteArray(R"({"detail":[{"type":"missing","loc":["body","messages"],)"
                      R"("msg":"Field required","input":{"model":"x"}},)"
                      R"({"type":"string_type","loc":["body","messages",0,"content"],)"
                      R"("msg":"Input should be a valid string"}]})")
        << "HTTP 422 Unprocessable Entity: body.messages: Field required; "
           "body.messages.0.content: Input should be a valid string";
    QTest::newRow("fastapi detail without loc")
        << 422 << QByteArray("Unprocessable Entity") << json
        << QByteArray(R"({"detail":[{"msg":"value is not a valid integer"}]})")
        << "HTTP 422 Unprocessable Entity: value is not a valid integer";
    QTest::newRow("openrouter metadata.raw")
        << 429 << QByteArray() << json
        << QByteArray(R"({"error":{"message":"Provider returned error","code":429,)"
                      R"("metadata":{"raw":"qwen/qwen3-32b is temporarily rate-limited upstream",)"
                      R"("provider_name":"Chutes"}},"user_id":"user_1"})")
        << "HTTP 429 Too Many Requests: Provider returned error (raw: qwen/qwen3-32b is "
           "temporarily rate-limited upstream)";
    QTest::newRow("openrouter raw not a string")
        << 502 << QByteArray() << json
        << QByteArray(R"({"error":{"message":"Provider returned error","code":502,)"
                      R"("metadata":{"raw":{"status":502}}}})")
        << "HTTP 502 Bad Gateway: Provider returned error";
    QTest::newRow("gemini array of errors")
        << 400 << QByteArray() << json
        << QByteArray(R"([{"error":{"code":400,"message":"API key not valid. Please pass a )"
                      R"(valid API key.","status":"INVALID_ARGUMENT"}}])")
        << "HTTP 400 Bad Request: API key not valid. Please pass a valid API key.";
    QTest::newRow("unknown json shape")
        << 500 << QByteArray() << json << QByteArray("{ \"status\": \"fail\",\n \"code\": 17 }")
        << R"(HTTP 500 Internal Server Error: {"code":17,"status":"fail"})";
    QTest::newRow("error object without message")
        << 500 << QByteArray() << json << QByteArray(R"({"error":{"code":500}})")
        << R"(HTTP 500 Internal Server Error: {"error":{"code":500}})";
    QTest::newRow("multi-line json message")
        << 400 << QByteArray("Bad Request") << json
        << QByteArray(R"({"error":{"message":"line one\nline two\r\n\tline   three"}})")
        << "HTTP 400 Bad Request: line one line two line three";
    QTest::newRow("invalid json is text")
        << 500 << QByteArray() << json << QByteArray("{not json\nmore")
        << "HTTP 500 Internal Server Error: {not json";
    QTest::newRow("json without content type")
        << 400 << QByteArray() << QByteArray() << QByteArray("\n  {\"error\":{\"message\":\"x\"}}")
        << "HTTP 400 Bad Request: x";

    // HTML pages.
    QTest::newRow("nginx 502")
        << 502 << QByteArray("Bad Gateway") << html
        << QByteArray("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                      "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
                      "</body>\r\n</html>\r\n")
        << "HTTP 502 Bad Gateway: 502 Bad Gateway (HTML page)";
    QTest::newRow("cloudflare 524 by doctype, no content type")
        << 524 << QByteArray() << QByteArray()
        << QByteArray("  \n<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>example.com | 524: "
                      "A timeout occurred</title><meta charset=\"UTF-8\" /></head></html>")
        << "HTTP 524 A Timeout Occurred: example.com | 524: A timeout occurred (HTML page)";
    QTest::newRow("uppercase HTML tag, entities")
        << 500 << QByteArray() << QByteArray("application/octet-stream")
        << QByteArray("<HTML><HEAD><TITLE>Error &amp; &lt;oops&gt; &quot;x&quot; &#39;y&#39; "
                      "&#x41;&bogus; AT&amp;T</TITLE></HEAD></HTML>")
        << "HTTP 500 Internal Server Error: Error & <oops> \"x\" 'y' A&bogus; AT&T (HTML page)";
    QTest::newRow("lowercase doctype")
        << 403 << QByteArray() << QByteArray()
        << QByteArray("<!doctype html><title lang=\"en\">\n  403\n\tForbidden  </title>")
        << "HTTP 403 Forbidden: 403 Forbidden (HTML page)";
    QTest::newRow("html content type with charset")
        << 503 << QByteArray() << QByteArray("Text/HTML; charset=UTF-8")
        << QByteArray("<head><title>Maintenance</title></head>")
        << "HTTP 503 Service Unavailable: Maintenance (HTML page)";
    QTest::newRow("html without title uses h1")
        << 500 << QByteArray() << html << QByteArray("<html><body><h1>Oops <b>!</b></h1></body>")
        << "HTTP 500 Internal Server Error: Oops ! (HTML page)";
    QTest::newRow("html without headline")
        << 500 << QByteArray() << html << QByteArray("<html><body>nothing</body></html>")
        << "HTTP 500 Internal Server Error (HTML page)";

    // Plain text and empty bodies.
    QTest::newRow("empty body") << 503 << QByteArray() << QByteArray() << QByteArray()
                                << "HTTP 503 Service Unavailable (empty body)";
    QTest::newRow("whitespace body")
        << 504 << QByteArray("Gateway Timeout") << text << QByteArray(" \r\n\t\n")
        << "HTTP 504 Gateway Timeout (empty body)";
    QTest::newRow("text first non-empty line")
        << 503 << QByteArray() << text
        << QByteArray("\n\n   upstream connect error or disconnect/reset before headers. reset "
                      "reason: overflow\r\nsecond line")
        << "HTTP 503 Service Unavailable: upstream connect error or disconnect/reset before "
           "headers. reset reason: overflow";
    QTest::newRow("text whitespace collapsed")
        << 500 << QByteArray() << text << QByteArray("Internal\t\tServer   Error\r\n")
        << "HTTP 500 Internal Server Error: Internal Server Error";
    QTest::newRow("control characters")
        << 500 << QByteArray() << text << QByteArray("\x1b[31mred\x1b[0m done")
        << "HTTP 500 Internal Server Error: [31mred [0m done";
    QTest::newRow("utf-8 text") << 400 << QByteArray() << text
                                << QByteArray("mod\xc3\xa8le inconnu \xe2\x9c\x97")
                                << QStringLiteral(
                                       "HTTP 400 Bad Request: mod\u00e8le inconnu \u2717");

    // Reason phrases.
    QTest::newRow("server phrase wins over table")
        << 429 << QByteArray("Slow Down") << text << QByteArray("later")
        << "HTTP 429 Slow Down: later";
    QTest::newRow("server phrase is one line") << 502 << QByteArray(" Bad\r\n Gateway ") << text
                                               << QByteArray("x") << "HTTP 502 Bad Gateway: x";
    QTest::newRow("unknown status without phrase")
        << 599 << QByteArray() << text << QByteArray("boom") << "HTTP 599: boom";
    QTest::newRow("unknown status, empty body")
        << 599 << QByteArray() << QByteArray() << QByteArray() << "HTTP 599 (empty body)";
    QTest::newRow("cloudflare 522") << 522 << QByteArray() << QByteArray() << QByteArray()
                                    << "HTTP 522 Connection Timed Out (empty body)";
}

void TestHttpErrorFormatter::format()
{
    QFETCH(int, status);
    QFETCH(QByteArray, reason);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);

    const QString line = HttpErrorFormatter::format(status, reason, contentType, body);
    QCOMPARE(line, expected);
    QVERIFY(!line.contains(u'\n') && !line.contains(u'\r') && !line.contains(u'\t'));
    QVERIFY(line.size() <= HttpErrorFormatter::maxLength);
}

void TestHttpErrorFormatter::truncatesLongMessages()
{
    QByteArray message;
    for (int i = 0; i < 200; ++i)
        message += "word" + QByteArray::number(i) + "\n\t";
    const QByteArray body =
        R"({"error":{"message":")" + message.replace("\n", "\\n").replace("\t", "\\t") + R"("}})";
    const QString line = HttpErrorFormatter::format(400, "Bad Request", "application/json", body);
    // At most maxLength; one shorter when the cut fell on a space (not kept before the "…").
    QVERIFY2(line.size() <= HttpErrorFormatter::maxLength &&
                 line.size() >= HttpErrorFormatter::maxLength - 1,
             qPrintable(line));
    QVERIFY(!line.endsWith(QStringLiteral(" \u2026")));
    QVERIFY(line.startsWith(QStringLiteral("HTTP 400 Bad Request: word0 word1 word2 ")));
    QVERIFY(line.endsWith(QChar(0x2026)));
    QVERIFY(!line.contains(QStringLiteral("  ")));
    QVERIFY(!line.contains(QStringLiteral("word199")));

    // Plain text: a single very long first line.
    const QString text = HttpErrorFormatter::format(500, {}, "text/plain", QByteArray(5000, 'x'));
    QCOMPARE(text.size(), HttpErrorFormatter::maxLength);
    QCOMPARE(text, QStringLiteral("HTTP 500 Internal Server Error: ") +
                       QString(HttpErrorFormatter::maxLength - 33, u'x') + QChar(0x2026));
}

void TestHttpErrorFormatter::truncatesLongHtmlTitleKeepingSuffix()
{
    const QByteArray body = "<html><title>" + QByteArray(1000, 'T') + "</title></html>";
    const QString line = HttpErrorFormatter::format(502, {}, "text/html", body);
    QCOMPARE(line.size(), HttpErrorFormatter::maxLength);
    QVERIFY(line.startsWith(QStringLiteral("HTTP 502 Bad Gateway: TTT")));
    QVERIFY(line.endsWith(QStringLiteral("T\u2026 (HTML page)")));
}

void TestHttpErrorFormatter::messageFromErrorValue_data()
{
    QTest::addColumn<QByteArray>("json"); // wrapped as {"v": ...} to allow any value
    QTest::addColumn<QString>("expected");

    QTest::newRow("string") << QByteArray(R"("overloaded")") << "overloaded";
    QTest::newRow("string multi-line") << QByteArray(R"(" a\n\n b ")") << "a b";
    QTest::newRow("object message")
        << QByteArray(R"({"message":"Rate limit exceeded","type":"requests","code":429})")
        << "Rate limit exceeded";
    QTest::newRow("openrouter raw")
        << QByteArray(R"({"message":"Provider returned error","code":502,)"
                      R"("metadata":{"raw":"upstream\nfailure","provider_name":"X"}})")
        << "Provider returned error (raw: upstream failure)";
    QTest::newRow("raw only") << QByteArray(R"({"code":502,"metadata":{"raw":"boom"}})") << "boom";
    QTest::newRow("nested error") << QByteArray(R"({"error":{"message":"inner"}})") << "inner";
    QTest::newRow("no message") << QByteArray(R"({"code":500})") << "";
    QTest::newRow("null") << QByteArray("null") << "";
    QTest::newRow("number") << QByteArray("42") << "";
    QTest::newRow("array") << QByteArray(R"([{"message":"a"},"b",{"msg":"c","loc":["q"]}])")
                           << "a; b; q: c";
}

void TestHttpErrorFormatter::messageFromErrorValue()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, expected);
    const QJsonDocument document = QJsonDocument::fromJson("{\"v\":" + json + "}");
    QVERIFY(document.isObject());
    QCOMPARE(HttpErrorFormatter::messageFromErrorValue(document.object().value("v")), expected);
}

void TestHttpErrorFormatter::reasonPhrase_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("expected");
    QTest::newRow("400") << 400 << "Bad Request";
    QTest::newRow("401") << 401 << "Unauthorized";
    QTest::newRow("403") << 403 << "Forbidden";
    QTest::newRow("404") << 404 << "Not Found";
    QTest::newRow("408") << 408 << "Request Timeout";
    QTest::newRow("409") << 409 << "Conflict";
    QTest::newRow("413") << 413 << "Payload Too Large";
    QTest::newRow("422") << 422 << "Unprocessable Entity";
    QTest::newRow("429") << 429 << "Too Many Requests";
    QTest::newRow("500") << 500 << "Internal Server Error";
    QTest::newRow("502") << 502 << "Bad Gateway";
    QTest::newRow("503") << 503 << "Service Unavailable";
    QTest::newRow("504") << 504 << "Gateway Timeout";
    QTest::newRow("520") << 520 << "Web Server Returned an Unknown Error";
    QTest::newRow("521") << 521 << "Web Server Is Down";
    QTest::newRow("522") << 522 << "Connection Timed Out";
    QTest::newRow("523") << 523 << "Origin Is Unreachable";
    QTest::newRow("524") << 524 << "A Timeout Occurred";
    QTest::newRow("unknown") << 599 << "";
    QTest::newRow("zero") << 0 << "";
}

void TestHttpErrorFormatter::reasonPhrase()
{
    QFETCH(int, status);
    QFETCH(QString, expected);
    QCOMPARE(HttpErrorFormatter::reasonPhrase(status), expected);
}

QTEST_GUILESS_MAIN(TestHttpErrorFormatter)
#include "tst_httperrorformatter.moc"
