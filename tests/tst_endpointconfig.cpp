#include "net/EndpointConfig.h"

#include <QTest>

using namespace adminchat;

class TestEndpointConfig : public QObject
{
    Q_OBJECT
private slots:
    void normalizes_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bare host") << "http://localhost:8000"
                                   << "http://localhost:8000/v1";
        QTest::newRow("slash") << "http://localhost:8000/"
                               << "http://localhost:8000/v1";
        QTest::newRow("v1") << "http://localhost:8000/v1"
                            << "http://localhost:8000/v1";
        QTest::newRow("v1 slash") << "http://localhost:8000/v1/"
                                  << "http://localhost:8000/v1";
        QTest::newRow("openrouter") << "https://openrouter.ai/api/v1"
                                    << "https://openrouter.ai/api/v1";
        QTest::newRow("pasted endpoint") << "https://api.openai.com/v1/chat/completions"
                                         << "https://api.openai.com/v1";
        QTest::newRow("query kept") << "http://h/v1?api-version=2024-10-21"
                                    << "http://h/v1?api-version=2024-10-21";
        QTest::newRow("query kept, endpoint cut")
            << "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=1"
            << "https://r.openai.azure.com/openai/deployments/d?api-version=1";
        QTest::newRow("fragment dropped") << "http://h/v1#x"
                                          << "http://h/v1";
    }
    void normalizes()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(EndpointConfig::normalizeBaseUrl(QUrl(input)).toString(), expected);
    }

    void displayUrlHasNoCredentials()
    {
        const QUrl url(QStringLiteral("https://user:secret@example.com/v1?api_key=secret#x"));
        const QString shown = EndpointConfig::displayUrl(url);
        QCOMPARE(shown, QStringLiteral("https://example.com/v1"));
    }

    void parsesBaseUrls_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected"); // the URL, or the error's tail
        QTest::addColumn<bool>("valid");
        QTest::newRow("no scheme") << "127.0.0.1:8000"
                                   << "http://127.0.0.1:8000/v1" << true;
        QTest::newRow("https") << " https://h.example/v1/ "
                               << "https://h.example/v1" << true;
        QTest::newRow("ipv6") << "http://[::1]:8000"
                              << "http://[::1]:8000/v1" << true;
        QTest::newRow("query") << "https://h/openai/deployments/d?api-version=2024-10-21"
                               << "https://h/openai/deployments/d?api-version=2024-10-21" << true;
        QTest::newRow("port 65535") << "http://h:65535"
                                    << "http://h:65535/v1" << true;
        QTest::newRow("empty") << ""
                               << ": it is empty" << false;
        QTest::newRow("port too big") << "http://127.0.0.1:99999/v1"
                                      << ": port 99999 is out of range (1 to 65535)" << false;
        QTest::newRow("port zero") << "http://127.0.0.1:0/v1"
                                   << ": port 0 is out of range (1 to 65535)" << false;
        QTest::newRow("port text") << "http://h:abc/v1"
                                   << ": port \"abc\" is not a number" << false;
        QTest::newRow("empty port") << "http://h:/v1"
                                    << ": empty port after ':'" << false;
        QTest::newRow("no host") << "http:///v1"
                                 << ": no host (expected http://HOST[:PORT][/v1])" << false;
        QTest::newRow("only a port") << "http://:8000/v1"
                                     << ": no host (expected http://HOST[:PORT][/v1])" << false;
        QTest::newRow("ftp") << "ftp://h/v1"
                             << ": unsupported scheme \"ftp\" (expected http:// or https://)"
                             << false;
        QTest::newRow("line break")
            << "http://h/v1\r\nX: y"
            << ": it contains a line break or another control character" << false;
        QTest::newRow("bad host") << "http://a b/v1?key=s3cret"
                                  << "Invalid hostname" << false;
    }
    void parsesBaseUrls()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QFETCH(bool, valid);
        QString error;
        const std::optional<QUrl> url =
            EndpointConfig::parseBaseUrl(input, &error, QStringLiteral("--base-url"));
        QCOMPARE(url.has_value(), valid);
        if (valid) {
            QCOMPARE(url->toString(), expected);
            return;
        }
        QVERIFY2(error.startsWith(QStringLiteral("invalid base URL (--base-url)")),
                 qPrintable(error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(!error.contains(QLatin1Char('\n')));
        QVERIFY(!error.contains(QStringLiteral("s3cret"))); // a query is never quoted
    }

    void endpointUrlKeepsTheQuery()
    {
        EndpointConfig config;
        config.baseUrl =
            QUrl(QStringLiteral("https://r.example/openai/deployments/d?api-version=2024-10-21"));
        QCOMPARE(
            config.endpointUrl(QStringLiteral("chat/completions")).toString(),
            QStringLiteral(
                "https://r.example/openai/deployments/d/chat/completions?api-version=2024-10-21"));
        QCOMPARE(EndpointConfig::displayUrl(config.baseUrl),
                 QStringLiteral("https://r.example/openai/deployments/d"));
        QVERIFY(
            !config.scrubbed(QStringLiteral("failed at ") + config.endpointUrl("models").toString())
                 .contains(QStringLiteral("2024-10-21")));
    }

    void credentialHeadersCarryTheKeyAndSecrets()
    {
        EndpointConfig config;
        config.apiKey = QStringLiteral("  sk-1 \n");
        config.extraHeaders = {{"X-Title", "t"},
                               {"api-key", "a"},
                               {"X-Gateway", "g"},
                               {"Content-Length", "5"},
                               {"X-Bad", "a\r\nX-Injected: yes"}};
        config.secretHeaders = {"x-gateway"};
        using Headers = EndpointConfig::Headers;
        QCOMPARE(config.credentialHeaders(),
                 (Headers{{"Authorization", "Bearer sk-1"}, {"api-key", "a"}, {"X-Gateway", "g"}}));
        QCOMPARE(config.plainHeaders(), (Headers{{"X-Title", "t"}}));
        config.keyHeader = "api-key";
        config.extraHeaders = {};
        QCOMPARE(config.credentialHeaders(), (Headers{{"api-key", "sk-1"}}));
        config.apiKey = QStringLiteral("sk-1\r\nX-Injected: yes");
        QVERIFY(config.credentialHeaders().isEmpty()); // never sent as it is
    }

    void endpointUrl()
    {
        EndpointConfig config;
        config.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/v1/"));
        QCOMPARE(config.endpointUrl(QStringLiteral("models")).toString(),
                 QStringLiteral("http://127.0.0.1:9/v1/models"));
    }
};

QTEST_GUILESS_MAIN(TestEndpointConfig)
#include "tst_endpointconfig.moc"
