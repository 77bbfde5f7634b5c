#pragma once

#include <QString>
#include <QtGlobal>
#include <deque>
#include <optional>
#include <vector>

namespace adminchat {

struct SmartChunkerOptions
{
    // How often take() is called (the pacer's frame interval). Text due before the next call is
    // released in this one, so a punctual caller shows every piece within maxLagNs.
    qint64 tickNs = 16'000'000;
    // The hard bound: a piece is shown at most this long after it arrived.
    qint64 maxLagNs = 100'000'000;
    // A run this long without a word boundary is cut anywhere (on a grapheme boundary).
    int longRunChars = 16;
};

// Turns bursty deltas into an even flow of whole words, with a bounded delay.
//
// Servers and proxies often deliver many tokens in one read and then nothing for a while;
// showing each read as it comes makes the answer jump. Each piece gets a deadline: its arrival
// plus the recent gap between arrivals (so a burst is spread over the time until the next one is
// expected), never more than maxLagNs, never earlier than the piece before it. Every take()
// releases just enough text to meet all deadlines at a constant pace, cut at a word boundary
// (inside a fenced code block at a line end, when the pace reaches one); what is overdue is
// released whatever the boundary. The first piece is due at once, so time to first token is not
// hidden; when the stream ends the caller shows the rest at once (takeAll()), so smoothing never
// makes an answer finish later.
//
// Time is passed in by the caller (monotonic nanoseconds), which keeps this class free of
// timers and deterministic. Positions are UTF-16 units; cuts never split a grapheme cluster.
class SmartChunker
{
public:
    explicit SmartChunker(SmartChunkerOptions options = {});

    void push(const QString& text, qint64 arrivalNs);
    // The text to show now; empty when nothing is due yet.
    QString take(qint64 nowNs);
    // Everything still held back (end of stream, stop, error, switching away).
    QString takeAll(qint64 nowNs);
    void reset();

    bool hasPending() const { return !m_pending.isEmpty(); }
    qsizetype pendingSize() const { return m_pending.size(); }
    const SmartChunkerOptions& options() const { return m_options; }
    // The delay the next piece gets: the recent gap between bursts, at most maxLagNs.
    qint64 currentTargetLagNs() const;

    // Display lag of every piece pushed so far and shown: the time from its arrival to the
    // take() that released its last character, in milliseconds, in release order.
    const std::vector<double>& lagSamplesMs() const { return m_lagSamplesMs; }

private:
    struct Piece
    {
        qsizetype end; // offset in m_pending just past the piece's last character
        qint64 arrivalNs;
        qint64 deadlineNs;
    };

    qsizetype mustRelease(qint64 nowNs) const;
    qsizetype pacedRelease(qint64 nowNs) const;
    qsizetype chooseCut(qsizetype must, qsizetype paced) const;
    struct CodeLine
    {
        qsizetype start;
        qsizetype end; // just past the newline; -1 while the line is still coming
    };
    qsizetype lastCodeLineEnd(qsizetype after, qsizetype upTo) const;
    std::optional<CodeLine> codeLineAround(qsizetype pos) const;
    bool endIsWordEnd() const;
    void scanLines(const QString& text);
    QString release(qsizetype cut, qint64 nowNs);

    SmartChunkerOptions m_options;
    QString m_pending;
    std::deque<Piece> m_pieces;
    std::vector<double> m_lagSamplesMs;
    std::optional<qint64> m_lastArrivalNs;
    std::optional<double> m_gapEwmaNs; // recent gap between arrivals
    // Fenced code: the fence lines and the lines inside fences not released yet, as offsets over
    // all text pushed ([start, end), end just past the newline); and the line being pushed.
    std::deque<CodeLine> m_codeLines;
    qsizetype m_pushedTotal = 0;
    qsizetype m_lineStart = 0;
    QString m_lineHead; // the first characters of the current line, until it is classified
    bool m_lineClassified = false;
    bool m_lineIsFence = false;
    bool m_inCode = false;
};

} // namespace adminchat
