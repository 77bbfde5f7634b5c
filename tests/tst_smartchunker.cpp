// SmartChunker on a simulated clock: pieces arrive on a schedule, take() runs every tick, and
// every release is recorded with its time. Checks that the text comes out whole and in order,
// within the lag bound, cut at word, line (in code) and grapheme boundaries, spread over the gap
// between bursts, and all shown at once when the stream ends.
#include "chat/SmartChunker.h"

#include <QRandomGenerator>
#include <QTest>
#include <QTextBoundaryFinder>

using namespace adminchat;

namespace {

constexpr qint64 kMs = 1'000'000;

struct Arrival
{
    qint64 atNs;
    QString text;
};

struct Release
{
    qint64 atNs;
    QString text;
};

struct Run
{
    QString input;
    QList<Release> releases;
    QString output() const
    {
        QString all;
        for (const Release& r : releases)
            all += r.text;
        return all;
    }
    // Offsets in the whole text where one release ended and the next began.
    QList<qsizetype> cuts() const
    {
        QList<qsizetype> result;
        qsizetype at = 0;
        for (const Release& r : releases) {
            at += r.text.size();
            if (at < input.size())
                result.append(at);
        }
        return result;
    }
};

// Ticks at 0, tick, 2 tick, ...; arrivals due by a tick are pushed before its take().
// endAtNs >= 0: the stream ends then (after the arrivals due by then): takeAll(), as the pacer's
// flush does, and the run stops.
Run simulate(SmartChunker& chunker, const QList<Arrival>& arrivals, qint64 endAtNs = -1)
{
    Run run;
    for (const Arrival& a : arrivals)
        run.input += a.text;
    const qint64 tick = chunker.options().tickNs;
    qsizetype next = 0;
    for (qint64 t = 0; t < 600'000 * kMs; t += tick) {
        const qint64 now = endAtNs >= 0 ? std::min(t, endAtNs) : t;
        while (next < arrivals.size() && arrivals[next].atNs <= now) {
            chunker.push(arrivals[next].text, arrivals[next].atNs);
            ++next;
        }
        const bool ended = endAtNs >= 0 && now == endAtNs;
        const QString shown = ended ? chunker.takeAll(now) : chunker.take(now);
        if (!shown.isEmpty())
            run.releases.append({now, shown});
        if (ended || (endAtNs < 0 && next == arrivals.size() && !chunker.hasPending()))
            break;
    }
    return run;
}

QString words(int first, int count)
{
    QString text;
    for (int i = first; i < first + count; ++i)
        text += QStringLiteral("w%1 ").arg(i);
    return text;
}

bool isBoundary(QTextBoundaryFinder::BoundaryType type, const QString& text, qsizetype at)
{
    QTextBoundaryFinder finder(type, text);
    finder.setPosition(at);
    return finder.isAtBoundary();
}

} // namespace

class TestSmartChunker : public QObject
{
    Q_OBJECT
private slots:
    void firstPieceIsShownAtOnce();
    void burstsAreSpreadOverTheGap();
    void lagNeverExceedsTheBound_data();
    void lagNeverExceedsTheBound();
    void endShowsEverythingAtOnce();
    void wordWaitsForItsEnd();
    void codeIsCutAtLineEnds();
    void graphemeClustersStayWhole_data();
    void graphemeClustersStayWhole();
    void takeAllReleasesEverything();
};

void TestSmartChunker::firstPieceIsShownAtOnce()
{
    SmartChunker chunker;
    chunker.push(QStringLiteral("Hello"), 1000 * kMs);
    QCOMPARE(chunker.take(1000 * kMs), QStringLiteral("Hello"));
    QVERIFY(!chunker.hasPending());
    QCOMPARE(chunker.lagSamplesMs(), std::vector<double>{0.0});
}

void TestSmartChunker::burstsAreSpreadOverTheGap()
{
    // A proxy that forwards 24 words at once every 240 ms.
    QList<Arrival> arrivals;
    for (int b = 0; b < 8; ++b)
        arrivals.append({b * 240 * kMs, words(b * 24, 24)});
    SmartChunkerOptions options;
    options.maxLagNs = 250 * kMs; // room to spread each burst over its whole gap
    SmartChunker chunker(options);
    const Run run = simulate(chunker, arrivals, 8 * 240 * kMs);
    QCOMPARE(run.output(), run.input);
    QCOMPARE(chunker.lagSamplesMs().size(), std::size_t(8));

    // Once the gap is known, each burst is shown over many frames, a few words at a time.
    const qsizetype burstSize = arrivals[4].text.size();
    for (int b = 3; b < 7; ++b) {
        int frames = 0;
        for (const Release& r : run.releases) {
            if (r.atNs >= b * 240 * kMs && r.atNs < (b + 1) * 240 * kMs) {
                ++frames;
                QVERIFY2(r.text.size() <= burstSize / 4, qPrintable(r.text));
            }
        }
        QVERIFY2(frames >= 8, qPrintable(QString::number(frames)));
    }
    // Never half a word.
    for (qsizetype cut : run.cuts())
        QVERIFY2(isBoundary(QTextBoundaryFinder::Word, run.input, cut),
                 qPrintable(run.input.left(cut).right(12)));
    QCOMPARE(chunker.currentTargetLagNs(), 240 * kMs);
    for (double lag : chunker.lagSamplesMs())
        QVERIFY(lag <= 250.0);
}

void TestSmartChunker::lagNeverExceedsTheBound_data()
{
    QTest::addColumn<qint64>("maxLagMs");
    QTest::addColumn<quint32>("seed");
    QTest::newRow("250 ms") << qint64(250) << 7u;
    QTest::newRow("100 ms") << qint64(100) << 11u;
    QTest::newRow("40 ms") << qint64(40) << 13u;
}

void TestSmartChunker::lagNeverExceedsTheBound()
{
    QFETCH(qint64, maxLagMs);
    QFETCH(quint32, seed);
    // Same-read bursts, steady tokens and long stalls, mixed.
    QRandomGenerator random(seed);
    QList<Arrival> arrivals;
    qint64 t = 0;
    for (int i = 0; i < 600; ++i) {
        const int kind = random.bounded(10);
        t += kind < 3 ? 0 : kind < 8 ? random.bounded(1, 40) * kMs : random.bounded(300, 900) * kMs;
        QString text;
        const int size = random.bounded(1, 40);
        for (int c = 0; c < size; ++c)
            text += random.bounded(6) == 0 ? QChar(u' ') : QChar(u'a' + random.bounded(26));
        arrivals.append({t, text});
    }
    SmartChunkerOptions options;
    options.maxLagNs = maxLagMs * kMs;
    SmartChunker chunker(options);
    const Run run = simulate(chunker, arrivals, t + 5 * kMs);
    QCOMPARE(run.output(), run.input);
    QCOMPARE(chunker.lagSamplesMs().size(), std::size_t(arrivals.size()));
    const double worst =
        *std::max_element(chunker.lagSamplesMs().begin(), chunker.lagSamplesMs().end());
    QVERIFY2(worst <= double(maxLagMs), qPrintable(QString::number(worst)));
    QVERIFY(worst > 0); // the bursts were smoothed at all
}

void TestSmartChunker::endShowsEverythingAtOnce()
{
    // Slow bursts make the chunker hold text back; the last read carries the end of the answer
    // and the stream ends with it.
    QList<Arrival> arrivals;
    for (int b = 0; b < 4; ++b)
        arrivals.append({b * 400 * kMs, words(b * 10, 10)});
    const qint64 endNs = 1600 * kMs;
    arrivals.append({endNs, words(40, 60)});
    SmartChunker chunker;
    QCOMPARE(chunker.options().maxLagNs, 100 * kMs); // the default bound
    const Run run = simulate(chunker, arrivals, endNs);
    QCOMPARE(run.output(), run.input);
    QVERIFY(!chunker.hasPending());
    // Nothing is shown after the end, and the end's release holds the whole last read.
    QCOMPARE(run.releases.last().atNs, endNs);
    QVERIFY(run.releases.last().text.endsWith(arrivals.last().text));
    for (const Release& r : run.releases)
        QVERIFY(r.atNs <= endNs);
    // The last text is shown when it arrived: smoothing never makes the answer finish later.
    QCOMPARE(chunker.lagSamplesMs().size(), std::size_t(arrivals.size()));
    QCOMPARE(chunker.lagSamplesMs().back(), 0.0);
    for (double lag : chunker.lagSamplesMs())
        QVERIFY(lag <= 100.0);
}

void TestSmartChunker::wordWaitsForItsEnd()
{
    SmartChunker chunker;
    chunker.push(QStringLiteral("a "), 0);
    QCOMPARE(chunker.take(0), QStringLiteral("a "));
    chunker.push(QStringLiteral("b "), 100 * kMs);
    QString shown;
    qint64 t = 100 * kMs;
    for (; t < 200 * kMs; t += 16 * kMs)
        shown += chunker.take(t);
    QCOMPARE(shown, QStringLiteral("b "));
    // "Hel" is due at about 300 ms; its word's end arrives before that.
    chunker.push(QStringLiteral("Hel"), 200 * kMs);
    QList<QString> releases;
    for (; t < 600 * kMs; t += 16 * kMs) {
        if (t >= 232 * kMs && t < 248 * kMs)
            chunker.push(QStringLiteral("lo wor"), 232 * kMs);
        const QString part = chunker.take(t);
        if (!part.isEmpty())
            releases.append(part);
    }
    QVERIFY(!releases.isEmpty());
    QCOMPARE(releases.first(), QStringLiteral("Hello"));
    QCOMPARE(releases.join(QString()), QStringLiteral("Hello wor"));
}

void TestSmartChunker::codeIsCutAtLineEnds()
{
    // Prose, then a fenced code block arriving in bursts of short lines split into small tokens,
    // then prose again. Inside the block every cut falls just after a newline.
    const QString prose = QStringLiteral("Here is the loop you asked for, with comments: \n");
    QList<Arrival> arrivals{{0, prose}};
    QStringList lines{QStringLiteral("```cpp\n")};
    for (int line = 0; line < 60; ++line)
        lines << QStringLiteral("int v%1 = f(%1);\n").arg(line, 2, 10, QLatin1Char('0'));
    lines << QStringLiteral("```\n");
    const QString code = lines.join(QString());
    const qsizetype codeStart = prose.size();
    const qsizetype codeEnd = codeStart + code.size();
    // Bursts of 12 lines every 200 ms, each cut into 5-character tokens.
    for (qsizetype first = 0; first < lines.size(); first += 12) {
        const QString part = lines.mid(first, 12).join(QString());
        for (qsizetype t = 0; t < part.size(); t += 5)
            arrivals.append({(first / 12 + 1) * 200 * kMs, part.mid(t, 5)});
    }
    arrivals.append({1400 * kMs, QStringLiteral("That is all there is to it.")});
    SmartChunker chunker;
    const Run run = simulate(chunker, arrivals, 1400 * kMs);
    QCOMPARE(run.output(), run.input);
    int codeCuts = 0;
    for (qsizetype cut : run.cuts()) {
        if (cut > codeStart && cut < codeEnd) {
            ++codeCuts;
            QVERIFY2(run.input.at(cut - 1) == u'\n', qPrintable(run.input.mid(cut - 8, 16)));
        }
    }
    QVERIFY2(codeCuts >= 10, qPrintable(QString::number(codeCuts)));
    for (double lag : chunker.lagSamplesMs())
        QVERIFY(lag <= 100.0);
}

void TestSmartChunker::graphemeClustersStayWhole_data()
{
    QTest::addColumn<QStringList>("pieces");
    // A thumbs-up with a skin tone is one cluster of four UTF-16 units, arriving in two deltas.
    QTest::newRow("emoji with modifier")
        << QStringList{QStringLiteral("\U0001F44D"), QStringLiteral("\U0001F3FD")};
    // CJK without spaces, with ideographs outside the BMP (surrogate pairs).
    QTest::newRow("cjk") << QStringList{QStringLiteral("\U00020BB7\u91CE"),
                                        QStringLiteral("\u5BB6\U0002A6A5")};
    // A family emoji: a ZWJ sequence of several code points.
    QTest::newRow("zwj sequence") << QStringList{QStringLiteral("\U0001F468\u200D\U0001F469"),
                                                 QStringLiteral("\u200D\U0001F467")};
}

void TestSmartChunker::graphemeClustersStayWhole()
{
    QFETCH(QStringList, pieces);
    // A long run of clusters has no word boundary to wait for, so it is cut between clusters.
    QList<Arrival> arrivals;
    for (int i = 0; i < 80; ++i) {
        const qint64 at = (i / 20) * 300 * kMs + (i % 20) * kMs;
        for (const QString& piece : pieces)
            arrivals.append({at, piece});
    }
    SmartChunker chunker;
    const Run run = simulate(chunker, arrivals, 1000 * kMs);
    QCOMPARE(run.output(), run.input);
    QVERIFY(run.releases.size() > 4);
    for (qsizetype cut : run.cuts())
        QVERIFY2(isBoundary(QTextBoundaryFinder::Grapheme, run.input, cut),
                 qPrintable(QString::number(cut)));
    for (double lag : chunker.lagSamplesMs())
        QVERIFY(lag <= 100.0);
}

void TestSmartChunker::takeAllReleasesEverything()
{
    SmartChunker chunker;
    chunker.push(QStringLiteral("one "), 0);
    QCOMPARE(chunker.take(0), QStringLiteral("one "));
    chunker.push(QStringLiteral("two "), 50 * kMs);
    chunker.push(QStringLiteral("three"), 60 * kMs);
    QVERIFY(chunker.hasPending());
    QCOMPARE(chunker.takeAll(90 * kMs), QStringLiteral("two three"));
    QVERIFY(!chunker.hasPending());
    QCOMPARE(chunker.lagSamplesMs(), (std::vector<double>{0.0, 40.0, 30.0}));
    chunker.reset();
    QVERIFY(chunker.lagSamplesMs().empty());
    QCOMPARE(chunker.currentTargetLagNs(), qint64(0));
}

QTEST_GUILESS_MAIN(TestSmartChunker)
#include "tst_smartchunker.moc"
