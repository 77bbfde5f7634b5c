// What a streaming answer's last block shows before it is complete: Markdown that renders as the
// finished text will, without raw markers in between.
#include "MarkdownPreview.h"

#include <QTest>

using namespace adminchat;

class TestMarkdownPreview : public QObject
{
    Q_OBJECT
private slots:
    void preview_data();
    void preview();
    void plainContinuation();
};

void TestMarkdownPreview::preview_data()
{
    QTest::addColumn<QString>("markdown");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<bool>("exactEnd");
    const auto row = [](const char* name, const char* markdown, const char* expected, bool exact) {
        QTest::newRow(name) << QString::fromUtf8(markdown) << QString::fromUtf8(expected) << exact;
    };
    row("plain", "Just words", "Just words", true);
    row("open bold", "Some **bold wo", "Some **bold wo**", true);
    row("bold opener alone", "Some **", "Some ", false);
    row("closed bold", "Some **bold** and", "Some **bold** and", true);
    row("open italic", "An *empha", "An *empha*", true);
    row("nested", "**a *b", "**a *b***", true);
    row("closer arriving", "**bold*", "**bold**", false);
    row("open code span", "Call `conn", "Call `conn`", true);
    row("code span opener alone", "Call `", "Call ", false);
    row("multiplication", "2 * 3 = 6", "2 * 3 = 6", true);
    row("snake case", "set max_tokens to", "set max_tokens to", true);
    row("bullet", "- first item", "- first item", true);
    row("bullet marker alone", "Intro:\n\n-", "Intro:\n\n", false);
    row("number alone", "Intro:\n\n12.", "Intro:\n\n", false);
    row("heading marker", "##", "", false);
    row("heading", "## Setup", "## Setup", true);
    row("fence opening", "Look:\n\n```pyth", "Look:\n\n", false);
    row("fence open", "```python\nprint(1)\nx = ", "```python\nprint(1)\nx = \n```", false);
    row("fence line", "```python\nprint(1)\nx", "```python\nprint(1)\nx\n```", true);
    row("fence closing", "```python\nprint(1)\n``", "```python\nprint(1)\n```", false);
    row("tilde fence", "~~~\ncode\n", "~~~\ncode\n~~~", false);
    row("fence closed", "```\ncode\n```\n\nAfter", "```\ncode\n```\n\nAfter", true);
    row("table header alone", "Table:\n\n| a | b |\n", "Table:\n\n", false);
    row("table header then delimiter", "| a | b |\n|--", "", false);
    row("table", "| a | b |\n|---|---|\n| 1 | 2", "| a | b |\n|---|---|\n| 1 | 2", true);
}

void TestMarkdownPreview::preview()
{
    QFETCH(QString, markdown);
    QFETCH(QString, expected);
    QFETCH(bool, exactEnd);
    const MarkdownPreview::Preview preview = MarkdownPreview::of(markdown);
    QCOMPARE(preview.text, expected);
    QCOMPARE(preview.exactEnd, exactEnd);
}

void TestMarkdownPreview::plainContinuation()
{
    QVERIFY(MarkdownPreview::isPlainContinuation(u"Some text", u" more words."));
    QVERIFY(!MarkdownPreview::isPlainContinuation(u"Some text", u" **bold"));
    QVERIFY(!MarkdownPreview::isPlainContinuation(u"Some text", u" line\n"));
    QVERIFY(!MarkdownPreview::isPlainContinuation(u"Line\n", u"word")); // a line's start
    QVERIFY(!MarkdownPreview::isPlainContinuation(u"", u"word"));
    QVERIFY(!MarkdownPreview::isPlainContinuation(u"a", u" `x"));
}

QTEST_MAIN(TestMarkdownPreview)
#include "tst_markdownpreview.moc"
