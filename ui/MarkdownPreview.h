#pragma once

#include <QString>
#include <QStringView>

namespace adminchat {

// What to render of Markdown that is still arriving, so the reader never sees raw syntax that
// the final render would turn into something else: an open code fence is closed, unmatched
// emphasis or code-span markers on the last line are closed (or dropped when nothing follows
// them yet), and a last line that is only the start of a marker ("-", "##", "``", "|--") or a
// table's header row without its delimiter row is held back until it says what it is.
class MarkdownPreview
{
public:
    struct Preview
    {
        QString text; // the Markdown to render now
        // The rendered document ends exactly where the text does: plain words appended to its
        // last block come out as rendering the longer text would give them.
        bool exactEnd = false;
    };

    static Preview of(const QString& markdown);
    // Whether appending delta to text can skip a new render (given an exactEnd preview): no
    // line break, no Markdown punctuation, and not at a line's start.
    static bool isPlainContinuation(QStringView text, QStringView delta);

private:
    static QString closeInline(const QString& line, bool* changed);
};

} // namespace adminchat
