#include "store/ConversationText.h"

#include <QStringList>
#include <algorithm>

namespace adminchat {

namespace {

constexpr int titleMaxChars = 60;
constexpr int snippetBefore = 30;
constexpr int snippetAfter = 60;

QString escapeLike(const QString& text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('%'), QLatin1String("\\%"));
    escaped.replace(QLatin1Char('_'), QLatin1String("\\_"));
    return escaped;
}

} // namespace

QString ConversationText::likeContaining(const QString& text)
{
    return QLatin1Char('%') + escapeLike(text) + QLatin1Char('%');
}

QString ConversationText::likePrefix(const QString& text)
{
    return escapeLike(text) + QLatin1Char('%');
}

QString ConversationText::snippet(const QString& content, const QString& needle)
{
    const qsizetype at = std::max<qsizetype>(0, content.indexOf(needle, 0, Qt::CaseInsensitive));
    qsizetype start = std::max<qsizetype>(0, at - snippetBefore);
    const qsizetype end = std::min(content.size(), at + needle.size() + snippetAfter);
    // Start at a word rather than inside one, unless the word is the match itself.
    if (start > 0) {
        const qsizetype space = content.indexOf(QLatin1Char(' '), start);
        if (space >= 0 && space < at)
            start = space + 1;
    }
    QString snippet = content.mid(start, end - start).simplified();
    if (start > 0)
        snippet.prepend(QChar(0x2026));
    if (end < content.size())
        snippet.append(QChar(0x2026));
    return snippet;
}

QString ConversationText::titleFrom(const QString& text)
{
    QString line;
    for (const QString& candidate : text.split(QLatin1Char('\n'))) {
        line = candidate.simplified();
        if (!line.isEmpty())
            break;
    }
    if (line.size() <= titleMaxChars)
        return line;
    // Leave room for the ellipsis; cut at the last space unless that loses half the title.
    QString cut = line.left(titleMaxChars - 1);
    const qsizetype space = cut.lastIndexOf(QLatin1Char(' '));
    if (space >= titleMaxChars / 2)
        cut.truncate(space);
    while (!cut.isEmpty() && (cut.back().isSpace() || cut.back().isPunct()))
        cut.chop(1);
    return cut + QChar(0x2026);
}

} // namespace adminchat
