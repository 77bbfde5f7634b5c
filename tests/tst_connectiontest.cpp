// "Test connection" of the profile editor against a loopback server that accepts the connection
// and never answers: the test can be cancelled (the connection is closed), and when nobody
// cancels, the result names the timeout that fired and how long it was.
#include "NamedChild.h"
#include "ProfileEditorDialog.h"
#include "endpoints/KeyStore.h"
#include "endpoints/ProfileStore.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QPushButton>
#include <QSpinBox>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestConnectionTest : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void cancelStopsWaiting();
    void silentServerNamesTheIdleTimeout();

private:
    template <typename T> T* child(const char* name) const
    {
        return namedChild<T>(m_dialog.get(), name);
    }
    QString result() const { return child<QLabel>("testResult")->text(); }
    void fillForm(const QString& baseUrl, int connectSeconds, int idleSeconds);

    QTemporaryDir m_dir;
    QTcpServer m_silent; // accepts, reads, never writes
    QList<QTcpSocket*> m_connections;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<ProfileStore> m_store;
    std::unique_ptr<KeyStore> m_keys;
    std::unique_ptr<ProfileEditorDialog> m_dialog;
};

void TestConnectionTest::init()
{
    QVERIFY(m_dir.isValid());
    m_connections.clear();
    QVERIFY(m_silent.isListening() || m_silent.listen(QHostAddress::LocalHost));
    disconnect(&m_silent, nullptr, this, nullptr);
    connect(&m_silent, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = m_silent.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [socket] { socket->readAll(); });
            m_connections << socket;
        }
    });
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_nam->setProxy(QNetworkProxy::NoProxy);
    m_store = std::make_unique<ProfileStore>(
        m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + ".ini"));
    m_keys = std::make_unique<KeyStore>();
    m_dialog = std::make_unique<ProfileEditorDialog>(m_store.get(), m_keys.get(), m_nam.get());
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
}

void TestConnectionTest::cleanup()
{
    m_dialog.reset();
    qDeleteAll(m_connections);
    m_connections.clear();
}

void TestConnectionTest::fillForm(const QString& baseUrl, int connectSeconds, int idleSeconds)
{
    child<QLineEdit>("baseUrl")->setText(baseUrl);
    child<QSpinBox>("connectTimeout")->setValue(connectSeconds);
    child<QSpinBox>("idleTimeout")->setValue(idleSeconds);
}

void TestConnectionTest::cancelStopsWaiting()
{
    fillForm(QStringLiteral("http://127.0.0.1:%1/v1").arg(m_silent.serverPort()), 60, 60);
    auto* test = child<QPushButton>("testConnectionButton");
    auto* cancel = child<QPushButton>("cancelTestButton");
    QVERIFY(!cancel->isVisible());
    test->click();
    QVERIFY(result().startsWith(QStringLiteral("Testing")));
    QVERIFY(!test->isEnabled());
    QVERIFY(cancel->isVisible());
    // The request reached the server, which keeps silent.
    QTRY_VERIFY_WITH_TIMEOUT(!m_connections.isEmpty(), 10000);

    cancel->click();
    QCOMPARE(result(), QStringLiteral("Test cancelled."));
    QVERIFY(test->isEnabled());
    QVERIFY(!cancel->isVisible());
    // Cancelled for real: the connection goes.
    QTRY_VERIFY_WITH_TIMEOUT(m_connections.first()->state() == QAbstractSocket::UnconnectedState,
                             10000);
    // Nothing arrives later to replace the message.
    QTest::qWait(300);
    QCOMPARE(result(), QStringLiteral("Test cancelled."));
}

void TestConnectionTest::silentServerNamesTheIdleTimeout()
{
    fillForm(QStringLiteral("http://127.0.0.1:%1/v1").arg(m_silent.serverPort()), 5, 1);
    QElapsedTimer clock;
    clock.start();
    child<QPushButton>("testConnectionButton")->click();
    QTRY_VERIFY_WITH_TIMEOUT(!result().startsWith(QStringLiteral("Testing")), 10000);
    const qint64 ms = clock.elapsed();
    QVERIFY2(result().contains(QStringLiteral("no answer within 1 s")), qPrintable(result()));
    QVERIFY2(result().contains(QStringLiteral("(idle timeout)")), qPrintable(result()));
    QVERIFY2(!result().contains(QStringLiteral("canceled")), qPrintable(result()));
    QVERIFY2(ms >= 900 && ms < 5000, qPrintable(QString::number(ms)));
    QVERIFY(child<QPushButton>("testConnectionButton")->isEnabled());
    QVERIFY(!child<QPushButton>("cancelTestButton")->isVisible());
}

QTEST_MAIN(TestConnectionTest)
#include "tst_connectiontest.moc"
