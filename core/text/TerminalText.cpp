#include "text/TerminalText.h"

namespace adminchat {

namespace {

bool isControl(char16_t c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f);
}

void appendVisible(QString& out, char16_t c)
{
    if (c < 0x20) {
        out += QLatin1Char('^');
        out += QChar(char16_t(c + 0x40));
    } else if (c == 0x7f) {
        out += QLatin1String("^?");
    } else {
        out += QStringLiteral("<U+%1>").arg(QString::number(uint(c), 16).toUpper(), 4,
                                            QLatin1Char('0'));
    }
}

} // namespace

QString TerminalText::sanitized(QStringView text)
{
    TerminalText filter;
    QString shown = filter.feed(text);
    shown += filter.finish(); // after feed(): the operands of + may be evaluated in any order
    return shown;
}

QString TerminalText::feed(QStringView piece)
{
    QString out;
    feed(piece, out);
    return out;
}

void TerminalText::feed(QStringView piece, QString& out)
{
    qsizetype i = 0;
    if (m_pendingCr && !piece.isEmpty()) {
        m_pendingCr = false;
        if (piece.front() == u'\n') {
            out += QLatin1String("\r\n");
            i = 1;
        } else {
            appendVisible(out, u'\r');
        }
    }
    // The common case, text without any control but newline and tab, is copied in runs.
    qsizetype runStart = i;
    for (; i < piece.size(); ++i) {
        const char16_t c = piece[i].unicode();
        if (!isControl(c) || c == u'\n' || c == u'\t')
            continue;
        out += piece.sliced(runStart, i - runStart);
        runStart = i + 1;
        if (c == u'\r') {
            if (i + 1 == piece.size()) {
                m_pendingCr = true;
            } else if (piece[i + 1] == u'\n') {
                out += QLatin1String("\r\n");
                ++i;
                runStart = i + 1;
            } else {
                appendVisible(out, c);
            }
            continue;
        }
        appendVisible(out, c);
    }
    out += piece.sliced(runStart);
}

QString TerminalText::finish()
{
    QString out;
    if (m_pendingCr)
        appendVisible(out, u'\r');
    m_pendingCr = false;
    return out;
}

} // namespace adminchat
