#include "MarkdownPreview.h"

#include <QList>
#include <QRegularExpression>
#include <QStringView>

namespace adminchat {

namespace {

// The line without up to three spaces of indentation; a null view when indented further.
QStringView unindented(QStringView line)
{
    qsizetype spaces = 0;
    while (spaces < line.size() && line.at(spaces) == QLatin1Char(' '))
        ++spaces;
    return spaces > 3 ? QStringView() : line.mid(spaces);
}

qsizetype runOf(QStringView text, qsizetype from, QChar c)
{
    qsizetype end = from;
    while (end < text.size() && text.at(end) == c)
        ++end;
    return end - from;
}

bool isBlank(QStringView line)
{
    return line.trimmed().isEmpty();
}

// Only the start of a block marker so far: a heading's hashes, a list bullet or number, a quote,
// a rule, a fence or a table's delimiter row. Shown once its line says what it is.
bool isMarkerOnly(QStringView line)
{
    const QStringView rest = unindented(line);
    if (rest.isEmpty())
        return !line.isEmpty() && rest.isNull();
    if (rest.startsWith(QLatin1String("```")) || rest.startsWith(QLatin1String("~~~")))
        return true; // an opening fence's info string is not text either
    // Hashes, a quote, a bullet, a number, a rule or underline, a table's delimiter row.
    static const QRegularExpression marker(
        QStringLiteral("^(?:#{1,6}|>|[-+*]|\\d{1,9}[.)]?|[-=*_ ]+|\\|[-:| ]*)\\s*$"));
    return marker.match(rest).hasMatch();
}

bool isTableLine(QStringView line)
{
    const QStringView rest = unindented(line);
    return !rest.isEmpty() && rest.at(0) == QLatin1Char('|');
}

struct Fence
{
    QChar c;
    qsizetype length = 0;
    bool isOpen() const { return length > 0; }
};

void updateFence(Fence& fence, QStringView line)
{
    const QStringView rest = unindented(line);
    if (rest.isEmpty() || (rest.at(0) != QLatin1Char('`') && rest.at(0) != QLatin1Char('~')))
        return;
    const qsizetype length = runOf(rest, 0, rest.at(0));
    if (length < 3)
        return;
    if (!fence.isOpen()) {
        if (rest.at(0) == QLatin1Char('`') && rest.mid(length).contains(QLatin1Char('`')))
            return;
        fence = {rest.at(0), length};
    } else if (rest.at(0) == fence.c && length >= fence.length && isBlank(rest.mid(length))) {
        fence = {};
    }
}

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber();
}

} // namespace

MarkdownPreview::Preview MarkdownPreview::of(const QString& markdown)
{
    const qsizetype lineStart = markdown.lastIndexOf(QLatin1Char('\n')) + 1;
    const QStringView complete = QStringView(markdown).left(lineStart);
    QString partial = markdown.mid(lineStart);

    Fence fence;
    QList<QStringView> lines;
    for (qsizetype at = 0; at < complete.size();) {
        const qsizetype end = complete.indexOf(QLatin1Char('\n'), at);
        const QStringView line = complete.mid(at, end - at);
        lines.append(line);
        updateFence(fence, line);
        at = end + 1;
    }

    Preview preview;
    if (fence.isOpen()) {
        // Code so far, and the fence closed as the end of the answer would close it. A last line
        // made of fence characters alone may be the closing fence: held back.
        const QStringView rest = unindented(partial);
        const bool maybeClosing = !rest.isEmpty() && runOf(rest, 0, fence.c) == rest.size();
        if (maybeClosing)
            partial.clear();
        preview.text = complete.toString() + partial;
        if (!partial.isEmpty())
            preview.text += QLatin1Char('\n');
        preview.text += QString(fence.length, fence.c);
        preview.exactEnd = !partial.isEmpty() && !partial.back().isSpace();
        return preview;
    }

    qsizetype keep = lineStart; // how much of the complete lines to show
    if (isMarkerOnly(partial) ||
        (isTableLine(partial) && (lines.isEmpty() || !isTableLine(lines.last()))))
        partial.clear();
    // A table's header row shows as a paragraph of pipes until its delimiter row arrives.
    if (partial.isEmpty() && !lines.isEmpty() && isTableLine(lines.last()) &&
        (lines.size() == 1 || !isTableLine(lines.at(lines.size() - 2))))
        keep -= lines.last().size() + 1;

    bool dropped = false;
    if (!partial.isEmpty())
        partial = closeInline(partial, &dropped);
    preview.text = markdown.left(keep) + partial;
    preview.exactEnd =
        keep == lineStart && !partial.isEmpty() && !dropped && !markdown.back().isSpace();
    return preview;
}

QString MarkdownPreview::closeInline(const QString& line, bool* dropped)
{
    // Code spans first: inside one nothing else is a marker.
    QString text = line;
    *dropped = false;
    QList<QString> open; // emphasis delimiters opened and not closed, innermost last
    qsizetype codeOpen = 0;
    qsizetype lastOpenerEnd = -1; // where the innermost opener ends, to see if text follows it
    qsizetype i = 0;
    // A list item's bullet is no emphasis.
    const QStringView rest = unindented(text);
    if (rest.size() >= 2 && QStringLiteral("*-+").contains(rest.at(0)) && rest.at(1) == ' ')
        i = text.size() - rest.size() + 2;
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('\\')) {
            i += 2;
            continue;
        }
        if (c == QLatin1Char('`')) {
            const qsizetype n = runOf(text, i, c);
            if (codeOpen == 0) {
                codeOpen = n;
                lastOpenerEnd = i + n;
            } else if (n == codeOpen) {
                codeOpen = 0;
            }
            i += n;
            continue;
        }
        if (codeOpen > 0 ||
            (c != QLatin1Char('*') && c != QLatin1Char('_') && c != QLatin1Char('~'))) {
            ++i;
            continue;
        }
        const qsizetype n = runOf(text, i, c);
        const QChar before = i > 0 ? text.at(i - 1) : QChar(' ');
        if (i + n == text.size()) {
            // The line ends on the run: a closer when it can close, else an opener (or a rule)
            // with nothing after it yet, held back.
            if (!open.isEmpty() && open.last() == QString(n, c) && !before.isSpace()) {
                open.removeLast();
            } else {
                text.chop(n);
                *dropped = true;
            }
            break;
        }
        const QChar after = i + n < text.size() ? text.at(i + n) : QChar(' ');
        const QString delimiter(n, c);
        i += n;
        // "2 * 3" and snake_case are no emphasis; "~" alone is no strikethrough.
        if ((before.isSpace() && after.isSpace()) ||
            (c == QLatin1Char('_') && isWordChar(before) && isWordChar(after)) ||
            (c == QLatin1Char('~') && n != 2))
            continue;
        if (!open.isEmpty() && open.last() == delimiter && !before.isSpace()) {
            open.removeLast();
        } else if (!after.isSpace()) {
            open.append(delimiter);
            lastOpenerEnd = i;
        }
    }
    if (codeOpen > 0) {
        if (lastOpenerEnd == text.size()) {
            text.chop(codeOpen);
            *dropped = true;
        } else {
            text += QString(codeOpen, QLatin1Char('`'));
        }
    }
    while (!open.isEmpty())
        text += open.takeLast();
    return text;
}

bool MarkdownPreview::isPlainContinuation(QStringView text, QStringView delta)
{
    if (text.isEmpty() || text.back() == QLatin1Char('\n'))
        return false;
    static const QString special = QStringLiteral("\n\r*_`~|#[]<>!\\&:");
    for (const QChar c : delta) {
        if (special.contains(c))
            return false;
    }
    return true;
}

} // namespace adminchat
