// The window pre-warms the connection of the chosen endpoint: once when the endpoint becomes
// usable, and on the first keystroke after a pause in the composer (not on every keystroke);
// the answer then arrives over the warmed connection as usual.
#include "WindowTestHelpers.h"
#include "net/ConnectionWarmer.h"

using namespace adminchat;

class TestWindowWarmup : public QObject
{
    Q_OBJECT
private slots:
    void warmsOnEndpointAndOnTyping();
};

void TestWindowWarmup::warmsOnEndpointAndOnTyping()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto window = windowtest::openWindow(dir, QStringLiteral("instant"));
    QVERIFY(window);
    ConnectionWarmer* warmer = window->connectionWarmer();
    QVERIFY(warmer);
    QCOMPARE(warmer->isEnabled(), ConnectionWarmer::enabledByDefault);
    QCOMPARE(warmer->warmCount(), 1); // the built-in endpoint was announced
    const QString origin = ConnectionWarmer::originOf(window->demoEndpointUrl());
    QVERIFY(origin.startsWith(QStringLiteral("http://127.0.0.1:")));

    warmer->setMinimumIntervalMs(0); // let the typing below ask again at once
    QSignalSpy requested(warmer, &ConnectionWarmer::warmRequested);
    auto* composer = window->findChild<ComposerEdit*>(QStringLiteral("composer"));
    QVERIFY(composer);
    QSignalSpy typing(composer, &ComposerEdit::typingStarted);
    QTest::keyClicks(composer, QStringLiteral("Hello there"));
    QCOMPARE(typing.count(), 1); // one start of typing, not one per key
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.first().first().toString(), origin);
    QCOMPARE(warmer->warmCount(), 2);

    QTest::keyClick(composer, Qt::Key_Return);
    QVERIFY(windowtest::waitForAnswer(window.get()));
    const QList<ChatEntry>& entries = window->session()->entries();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.last().state, ChatEntry::State::Done);
    QVERIFY(!entries.last().text.isEmpty());
}

QTEST_MAIN(TestWindowWarmup)
#include "tst_windowwarmup.moc"
