// How the chat view looks in light and dark palettes, grabbed offscreen: a conversation with
// Markdown, a table, code and a reasoning model's thinking. The grabs are checked against the
// palette (background, code blocks, text and icon colours), and saved for people to look at
// (ADMINCHAT_SCREENSHOTS=<folder>).
#include "ChatStyle.h"
#include "ChatView.h"

#include <QAbstractTextDocumentLayout>
#include <QDir>
#include <QImage>
#include <QPalette>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>

using namespace adminchat;

class TestChatViewLook : public QObject
{
    Q_OBJECT
private slots:
    void followsThePalette_data();
    void followsThePalette();
};

namespace {

const QString kAnswer = QStringLiteral(
    "## Warming a cache\n\n"
    "Fill the **hot** keys first, then let `get()` fall through to the *origin*.\n\n"
    "| step | time |\n|---|---:|\n| fill | 120 ms |\n| serve | 3 ms |\n\n"
    "```python\ndef warm(cache, keys):\n    for key in keys:\n        cache.get(key)\n```\n\n"
    "1. Measure\n2. Warm\n3. Measure again\n\n"
    "```bash\ncurl -s localhost:8080/v1/models | jq .\n```\n");

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    p.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    p.setColor(QPalette::Link, QColor(0x6c, 0xb6, 0xff));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd6));
    p.setColor(QPalette::Button, QColor(0x33, 0x33, 0x33));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    return p;
}

QPalette lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xef, 0xef, 0xef));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::Text, QColor(0x20, 0x20, 0x20));
    p.setColor(QPalette::WindowText, QColor(0x20, 0x20, 0x20));
    p.setColor(QPalette::PlaceholderText, QColor(0x70, 0x70, 0x70));
    p.setColor(QPalette::Link, QColor(0x1a, 0x5f, 0xb4));
    p.setColor(QPalette::Highlight, QColor(0x30, 0x8c, 0xc6));
    return p;
}

int distance(const QColor& a, const QColor& b)
{
    return qAbs(a.red() - b.red()) + qAbs(a.green() - b.green()) + qAbs(a.blue() - b.blue());
}

// How many pixels of the area are (nearly) the colour.
int countNear(const QImage& image, const QRect& area, const QColor& color, int tolerance = 12)
{
    int n = 0;
    const QRect clipped = area & image.rect();
    for (int y = clipped.top(); y <= clipped.bottom(); ++y) {
        for (int x = clipped.left(); x <= clipped.right(); ++x)
            n += distance(image.pixelColor(x, y), color) <= tolerance;
    }
    return n;
}

// The closest any pixel of the area comes to the colour.
int nearest(const QImage& image, const QRect& area, const QColor& color)
{
    int best = 3 * 255;
    const QRect clipped = area & image.rect();
    for (int y = clipped.top(); y <= clipped.bottom(); ++y) {
        for (int x = clipped.left(); x <= clipped.right(); ++x)
            best = qMin(best, distance(image.pixelColor(x, y), color));
    }
    return best;
}

} // namespace

void TestChatViewLook::followsThePalette_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QPalette>("palette");
    QTest::newRow("light") << QStringLiteral("light") << lightPalette();
    QTest::newRow("dark") << QStringLiteral("dark") << darkPalette();
}

void TestChatViewLook::followsThePalette()
{
    QFETCH(QString, name);
    QFETCH(QPalette, palette);
    ChatView view;
    view.setPalette(palette);
    view.resize(760, 1100);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));

    ChatEntry question;
    question.text = QStringLiteral("How do I warm a cache?");
    ChatEntry answer;
    answer.role = ChatEntry::Role::Assistant;
    answer.model = QStringLiteral("demo-reasoner");
    answer.reasoning = QStringLiteral("The user wants **steps**:\n\n1. fill\n2. serve");
    answer.text = kAnswer;
    RequestMetrics metrics;
    metrics.ttftMs = 312;
    metrics.tokensPerSecond = 41.2;
    metrics.e2eMs = 2100;
    metrics.category = LatencyCategory::Excellent; // 312 ms
    answer.metrics = metrics;
    view.setEntries({question, answer});
    view.setReasoningExpanded(1, true);
    view.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&view));
    view.setFocus();
    view.setCurrentIndex(1);
    const QRect copy = view.actionRect(1, ChatView::Action::Copy); // scrolls, so before the grab
    QVERIFY(!copy.isNull());
    view.viewport()->repaint();
    const QImage image = view.viewport()->grab().toImage().convertToFormat(QImage::Format_RGB32);
    if (const QString dir = qEnvironmentVariable("ADMINCHAT_SCREENSHOTS"); !dir.isEmpty()) {
        QDir().mkpath(dir);
        QVERIFY(image.save(QDir(dir).filePath(QStringLiteral("chatview-%1.png").arg(name))));
    }

    const ChatStyle style = ChatStyle::fromWidget(&view);
    QCOMPARE(style.background, palette.color(QPalette::Base));
    // The background is the palette's Base.
    QVERIFY(countNear(image, QRect(image.width() - 6, 0, 4, image.height()), style.background) >
            image.height() * 3);

    // The first code block: its lines on the tinted background derived from the palette, its
    // text in the palette's Text colour.
    const QPoint origin = view.contentOrigin(1);
    QRect code;
    QPoint at = origin;
    for (const QTextDocument* document : view.contentDocuments(1)) {
        for (QTextBlock block = document->begin(); block.isValid() && code.isNull();
             block = block.next()) {
            if (block.text().startsWith(QStringLiteral("def warm")))
                code = document->documentLayout()->blockBoundingRect(block).toAlignedRect();
        }
        if (!code.isNull()) {
            code.translate(at);
            break;
        }
        at.ry() += int(document->size().height());
    }
    QVERIFY(!code.isNull());
    QVERIFY(image.rect().contains(code));
    const int tinted = countNear(image, code, style.codeBackground, 6);
    QVERIFY2(tinted > code.width() * code.height() / 2,
             qPrintable(QStringLiteral("%1 of %2").arg(tinted).arg(code.width() * code.height())));
    QVERIFY2(nearest(image, code, style.text) < 60,
             qPrintable(QString::number(nearest(image, code, style.text))));
    // In the dark, the code block is dark and its text light (not the light theme's colours).
    const bool dark = name == QLatin1String("dark");
    QCOMPARE(style.codeBackground.lightness() < 128, dark);
    QCOMPARE(style.text.lightness() > 128, dark);

    // The icon buttons under the answer are drawn in the palette's dim colour.
    QVERIFY2(nearest(image, copy, style.dim) < 40,
             qPrintable(QString::number(nearest(image, copy, style.dim))));
    // The focused message is framed in the palette's highlight colour.
    QVERIFY(countNear(image, view.visualRect(1), palette.color(QPalette::Highlight), 30) > 100);
}

QTEST_MAIN(TestChatViewLook)
#include "tst_chatviewlook.moc"
