#pragma once

#include <QList>
#include <QString>

namespace adminchat {

// Finds where a growing Markdown text can be cut into runs of complete top-level blocks, so a
// streaming answer can be rendered run by run: each finished run once, only the last one at the
// end. A cut goes before a line that, after a blank line and outside fenced code, starts a new
// top-level block whatever came before: indented by one space at most (no list continuation or
// indented code),
// not a list item (the list may go on) and not a table row. Each run holds at least minChars
// characters, so a long answer becomes tens of documents, not thousands.
//
// Incremental: feed() looks at each complete line once, so a delta costs O(delta).
class MarkdownSegmenter
{
public:
    static constexpr qsizetype defaultMinChars = 4096;

    explicit MarkdownSegmenter(qsizetype minChars = defaultMinChars);

    // text is the whole text so far (it only ever grows). Returns the new cut positions, in
    // order: each one starts a run.
    QList<qsizetype> feed(const QString& text);
    void reset();

    // All the cut positions of a whole text (what feeding it in any pieces gives).
    static QList<qsizetype> cuts(const QString& text, qsizetype minChars = defaultMinChars);

private:
    bool startsBlockAnywhere(QStringView line) const;
    void updateFence(QStringView line);

    qsizetype m_minChars;
    qsizetype m_scanned = 0;  // the next line starts here
    qsizetype m_runStart = 0; // where the current run starts
    bool m_afterBlank = false;
    QChar m_fenceChar; // '`' or '~' while inside fenced code, else null
    qsizetype m_fenceLength = 0;
};

} // namespace adminchat
