#pragma once

#include <QString>
#include <QStringView>

namespace adminchat {

// Text from a server made safe to write to a terminal: no control character can move the
// cursor, clear the screen, set the window title or write the clipboard (OSC 52). Newline and
// tab stay; a CR stays only as part of CR LF (a lone CR could overwrite what was shown); every
// other C0 control and DEL is shown in caret notation (ESC as "^[", DEL as "^?"), a C1 control
// as "<U+009B>". Everything else passes unchanged.
//
// For a stream that arrives in pieces, feed() each piece and finish() at the end: a CR at the end
// of one piece is held back until the next shows whether an LF follows.
class TerminalText
{
public:
    static QString sanitized(QStringView text);

    QString feed(QStringView piece);
    // The same, appended to out: a caller that collects many pieces allocates once.
    void feed(QStringView piece, QString& out);
    QString finish();

private:
    bool m_pendingCr = false;
};

} // namespace adminchat
