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
        QTest::newRow("query dropped") << "http://h/v1?key=secret"
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
