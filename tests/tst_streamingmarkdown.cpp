// A long answer streams into the chat view as runs of Markdown: each run is rendered once when
// it completes, the end renders only the last one, and the result is what rendering the whole
// text at once gives.
#include "ChatStyle.h"
#include "ChatView.h"
#include "MarkdownRenderer.h"
#include "StreamingMarkdown.h"

#include <QAbstractTextDocumentLayout>
#include <QClipboard>
#include <QGuiApplication>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextList>
#include <cmath>

using namespace adminchat;

class TestStreamingMarkdown : public QObject
{
    Q_OBJECT
private slots:
    void rendersCompletedRunsWhileStreaming();
    void endRendersOnlyTheLastRun();
    void matchesRenderingTheWholeText();
    void codeCopyButtonsInEveryRun();
    void plainTextIsNeverRendered();
    void noRawMarkdownWhileStreaming();
    void endMovesNothing();
};

namespace {

// A long answer: sections with headings, paragraphs, lists and code, as models write them.
QString longAnswer(int sections)
{
    QString text;
    for (int i = 0; i < sections; ++i) {
        text += QStringLiteral("## Section %1\n\n").arg(i);
        text += QStringLiteral("Some **bold** words and `code` in a paragraph of section %1. ")
                    .arg(i)
                    .repeated(6) +
                QStringLiteral("\n\n");
        text += QStringLiteral("1. first\n2. second\n\n   still the second\n3. third\n\n");
        text += QStringLiteral("```cpp\nint section = %1;\n\nreturn section;\n```\n\n").arg(i);
    }
    return text + QStringLiteral("The end.\n");
}

ChatEntry answer(const QString& text, ChatEntry::State state)
{
    ChatEntry entry;
    entry.role = ChatEntry::Role::Assistant;
    entry.state = state;
    entry.text = text;
    return entry;
}

// What a reader sees, block by block: its text and what kind of block it is.
QStringList blockSummary(const QList<const QTextDocument*>& documents)
{
    QStringList summary;
    for (const QTextDocument* document : documents) {
        for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
            if (block.text().isEmpty())
                continue;
            const QTextBlockFormat format = block.blockFormat();
            const bool code = format.hasProperty(QTextFormat::BlockCodeFence) ||
                              format.hasProperty(QTextFormat::BlockCodeLanguage);
            summary << QStringLiteral("h%1 %2 %3 %4")
                           .arg(format.headingLevel())
                           .arg(block.textList() ? block.textList()->itemNumber(block) + 1 : 0)
                           .arg(code ? QStringLiteral("code") : QStringLiteral("text"))
                           .arg(block.text());
        }
    }
    return summary;
}

struct Streamed
{
    ChatView view;
    QString text = longAnswer(60);
    Streamed()
    {
        view.resize(700, 500);
        view.show();
        if (!QTest::qWaitForWindowExposed(&view))
            qFatal("the view was not shown");
        view.addEntry(answer(QString(), ChatEntry::State::Streaming));
        for (qsizetype at = 0; at < text.size(); at += 7) {
            view.appendToEntry(0, text.mid(at, 7), QString());
            if (at % 700 == 0)
                view.viewport()->repaint();
        }
    }
};

// An answer as reasoning models write them: every kind of block, inline markup in paragraphs
// and list items, code in several languages.
const QString kRich = QStringLiteral(
    "## Plan\n\n"
    "The **cache** keeps *recent* answers; call `warm()` first and keep ~~old~~ entries out.\n\n"
    "1. Measure the **baseline**\n2. Change *one* thing\n3. Measure again\n\n"
    "- a `timeout` of 30 s\n- retries: **two**\n\n"
    "| metric | value |\n|---|---|\n| TTFT | 312 ms |\n| tokens/s | 41.2 |\n\n"
    "```python\ndef warm(cache):\n    return cache.fill(limit=10)\n```\n\n"
    "> A quoted **note** with `code`.\n\n"
    "```cpp\nint main() { return 0; }\n```\n\n"
    "### Done\n\n"
    "That is **all** for *now*.");

// The raw syntax a reader must not see: every document's text, line by line.
QString rawMarkdownIn(const QList<const QTextDocument*>& documents)
{
    for (const QTextDocument* document : documents) {
        const QStringList lines = document->toPlainText().split(QLatin1Char('\n'));
        for (const QString& line : lines) {
            for (const char* marker : {"**", "`", "~~", "|", "##", "> "}) {
                if (line.contains(QLatin1String(marker)))
                    return line;
            }
            for (const char* start : {"- ", "1. ", "2. ", "3. ", "#"}) {
                if (line.startsWith(QLatin1String(start)))
                    return line;
            }
            if (line.contains(QLatin1Char('*')) || line.trimmed() == QLatin1String("-"))
                return line;
        }
    }
    return {};
}

// Where every block of the answer is, in the view: document origins and block rectangles.
QList<QRect> blockGeometry(ChatView& view, int index)
{
    QList<QRect> rects;
    QPoint origin = view.contentOrigin(index);
    for (const QTextDocument* document : view.contentDocuments(index)) {
        for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
            rects
                << document->documentLayout()->blockBoundingRect(block).toAlignedRect().translated(
                       origin);
        }
        origin.ry() += int(std::ceil(document->size().height()));
    }
    return rects;
}

} // namespace

void TestStreamingMarkdown::noRawMarkdownWhileStreaming()
{
    ChatView view;
    view.resize(700, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Deltas of every size from one to nine characters, cutting markers at every place.
    for (int size = 1; size <= 9; ++size) {
        view.setEntries({answer(QString(), ChatEntry::State::Streaming)});
        for (qsizetype at = 0; at < kRich.size(); at += size) {
            view.appendToEntry(0, kRich.mid(at, size), QString());
            const QString raw = rawMarkdownIn(view.contentDocuments(0));
            QVERIFY2(
                raw.isEmpty(),
                qPrintable(QStringLiteral("delta size %1 at %2: %3").arg(size).arg(at).arg(raw)));
        }
    }
}

void TestStreamingMarkdown::endMovesNothing()
{
    ChatView view;
    view.resize(700, 1400); // the whole answer in view
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    ChatEntry question;
    question.text = QStringLiteral("How do I warm the cache?");
    view.setEntries({question, answer(QString(), ChatEntry::State::Streaming)});
    for (qsizetype at = 0; at < kRich.size(); at += 5) {
        view.appendToEntry(1, kRich.mid(at, 5), QString());
        if (at % 100 == 0)
            view.viewport()->repaint();
    }
    view.viewport()->repaint();
    const QList<QRect> streaming = blockGeometry(view, 1);
    const QRect message = view.visualRect(1);
    QVERIFY(streaming.size() > 15);

    ChatEntry done = answer(kRich, ChatEntry::State::Done);
    RequestMetrics metrics;
    metrics.ttftMs = 312;
    metrics.tokensPerSecond = 41.2;
    metrics.e2eMs = 2100;
    done.metrics = metrics;
    view.updateEntry(1, done);
    view.viewport()->repaint();
    QCOMPARE(blockGeometry(view, 1), streaming);
    QCOMPARE(view.visualRect(1), message);
    QVERIFY(rawMarkdownIn(view.contentDocuments(1)).isEmpty());
    QVERIFY(view.toPlainText().contains(QStringLiteral("TTFT 312 ms")));
}

void TestStreamingMarkdown::rendersCompletedRunsWhileStreaming()
{
    Streamed s;
    const QList<const QTextDocument*> documents = s.view.contentDocuments(0);
    QVERIFY2(documents.size() >= 5, qPrintable(QString::number(documents.size())));
    // Completed runs are rendered: no Markdown syntax left, headings are headings.
    const QString first = documents.first()->toPlainText();
    QVERIFY(!first.contains(QStringLiteral("## ")));
    QVERIFY(!first.contains(QStringLiteral("```")));
    QCOMPARE(documents.first()->begin().blockFormat().headingLevel(), 2);
    // The block still arriving at the end shows formatted too: no raw syntax anywhere.
    QCOMPARE(documents.last()->toPlainText(), QStringLiteral("The end."));
    for (const QTextDocument* document : documents) {
        QVERIFY(!document->toPlainText().contains(QStringLiteral("**")));
        QVERIFY(!document->toPlainText().contains(QLatin1Char('`')));
    }
    QVERIFY(s.view.toPlainText().contains(s.text)); // the source stays what was written
}

void TestStreamingMarkdown::endRendersOnlyTheLastRun()
{
    Streamed s;
    const QList<const QTextDocument*> streaming = s.view.contentDocuments(0);
    s.view.updateEntry(0, answer(s.text, ChatEntry::State::Done));
    const QList<const QTextDocument*> done = s.view.contentDocuments(0);
    QCOMPARE(done.size(), streaming.size());
    // The same documents: rendered once, while streaming, not again at the end.
    QCOMPARE(done.mid(0, done.size() - 1), streaming.mid(0, streaming.size() - 1));
    QVERIFY(done.last()->toPlainText().endsWith(QStringLiteral("The end.")));
    QVERIFY(!done.last()->toPlainText().contains(QStringLiteral("## "))); // rendered now
}

void TestStreamingMarkdown::matchesRenderingTheWholeText()
{
    Streamed s;
    s.view.updateEntry(0, answer(s.text, ChatEntry::State::Done));
    QTextDocument whole;
    MarkdownRenderer::render(&whole, s.text, ChatStyle::fromWidget(&s.view));
    const QStringList expected = blockSummary({&whole});
    QVERIFY(expected.contains(QStringLiteral("h0 2 text second")));
    QVERIFY(expected.contains(QStringLiteral("h2 0 text Section 59")));
    QCOMPARE(blockSummary(s.view.contentDocuments(0)), expected);
    // And the same as laying out the finished text from scratch (a reopened conversation).
    ChatView reopened;
    reopened.resize(700, 500);
    reopened.setEntries({answer(s.text, ChatEntry::State::Done)});
    QCOMPARE(blockSummary(reopened.contentDocuments(0)), expected);
}

void TestStreamingMarkdown::codeCopyButtonsInEveryRun()
{
    Streamed s;
    s.view.updateEntry(0, answer(s.text, ChatEntry::State::Done));
    QClipboard* clipboard = QGuiApplication::clipboard();
    for (const int block : {0, 31, 59}) {
        clipboard->clear();
        const QRect button = s.view.codeCopyRect(0, block);
        QVERIFY(s.view.viewport()->rect().contains(button));
        QTest::mouseClick(s.view.viewport(), Qt::LeftButton, {}, button.center());
        QCOMPARE(clipboard->text(),
                 QStringLiteral("int section = %1;\n\nreturn section;").arg(block));
    }
    QVERIFY(s.view.codeCopyRect(0, 60).isNull());
}

void TestStreamingMarkdown::plainTextIsNeverRendered()
{
    ChatView view;
    const ChatStyle style = ChatStyle::fromWidget(&view);
    StreamingMarkdown plain(style, false);
    const QString text = longAnswer(30);
    plain.setText(text, true);
    QCOMPARE(plain.documents().size(), 1);
    QCOMPARE(plain.documents().first()->toPlainText(), text);
    QVERIFY(plain.codeBlocks().isEmpty());
}

QTEST_MAIN(TestStreamingMarkdown)
#include "tst_streamingmarkdown.moc"
