#include "MarkdownSegmenter.h"

namespace adminchat {

namespace {

// The line without its indentation of up to three spaces, or a null view when it is indented
// four or more (or by a tab): indented lines continue something.
QStringView unindented(QStringView line)
{
    qsizetype spaces = 0;
    while (spaces < line.size() && line.at(spaces) == QLatin1Char(' '))
        ++spaces;
    if (spaces > 3 || (spaces < line.size() && line.at(spaces) == QLatin1Char('\t')))
        return {};
    return line.mid(spaces);
}

bool isBlank(QStringView line)
{
    for (const QChar c : line) {
        if (c != QLatin1Char(' ') && c != QLatin1Char('\t') && c != QLatin1Char('\r'))
            return false;
    }
    return true;
}

qsizetype runOf(QStringView text, QChar c)
{
    qsizetype n = 0;
    while (n < text.size() && text.at(n) == c)
        ++n;
    return n;
}

} // namespace

MarkdownSegmenter::MarkdownSegmenter(qsizetype minChars) : m_minChars(minChars) {}

void MarkdownSegmenter::reset()
{
    m_scanned = m_runStart = 0;
    m_afterBlank = false;
    m_fenceChar = QChar();
    m_fenceLength = 0;
}

QList<qsizetype> MarkdownSegmenter::cuts(const QString& text, qsizetype minChars)
{
    MarkdownSegmenter segmenter(minChars);
    return segmenter.feed(text);
}

QList<qsizetype> MarkdownSegmenter::feed(const QString& text)
{
    QList<qsizetype> found;
    while (m_scanned < text.size()) {
        const qsizetype end = text.indexOf(QLatin1Char('\n'), m_scanned);
        if (end < 0)
            break; // an incomplete line: looked at once it ends
        const qsizetype start = m_scanned;
        const QStringView line = QStringView(text).mid(start, end - start);
        m_scanned = end + 1;
        if (m_fenceChar.isNull() && isBlank(line)) {
            m_afterBlank = true;
            continue;
        }
        if (m_fenceChar.isNull() && m_afterBlank && start - m_runStart >= m_minChars &&
            startsBlockAnywhere(line)) {
            found.append(start);
            m_runStart = start;
        }
        m_afterBlank = false;
        updateFence(line);
    }
    return found;
}

bool MarkdownSegmenter::startsBlockAnywhere(QStringView line) const
{
    // A list item's text starts two columns in at least ("- a"), so a line indented by one
    // space cannot continue one; two or more may, and four make indented code.
    const QStringView rest = unindented(line);
    if (rest.isEmpty() || line.size() - rest.size() > 1)
        return false;
    const QChar first = rest.at(0);
    if (first == QLatin1Char('|'))
        return false;
    // A list item ("-", "*", "+" or "1." / "1)" then a space) may continue the list before.
    if ((first == QLatin1Char('-') || first == QLatin1Char('*') || first == QLatin1Char('+')) &&
        (rest.size() == 1 || rest.at(1).isSpace()))
        return false;
    qsizetype digits = 0;
    while (digits < rest.size() && digits < 10 && rest.at(digits).isDigit())
        ++digits;
    if (digits > 0 && digits < rest.size() &&
        (rest.at(digits) == QLatin1Char('.') || rest.at(digits) == QLatin1Char(')')))
        return false;
    return true;
}

void MarkdownSegmenter::updateFence(QStringView line)
{
    const QStringView rest = unindented(line);
    if (rest.isEmpty())
        return;
    const QChar c = rest.at(0);
    if (c != QLatin1Char('`') && c != QLatin1Char('~'))
        return;
    const qsizetype length = runOf(rest, c);
    if (length < 3)
        return;
    if (m_fenceChar.isNull()) {
        // An opening fence; a backtick fence's info string may not hold a backtick.
        if (c == QLatin1Char('`') && rest.mid(length).contains(QLatin1Char('`')))
            return;
        m_fenceChar = c;
        m_fenceLength = length;
    } else if (c == m_fenceChar && length >= m_fenceLength && isBlank(rest.mid(length))) {
        m_fenceChar = QChar();
        m_fenceLength = 0;
    }
}

} // namespace adminchat
