#include "chat/SmartChunker.h"

#include <QTextBoundaryFinder>
#include <algorithm>

namespace adminchat {

namespace {

// Pieces closer together than this came in one burst (one read, or reads split by the kernel);
// the gaps inside a burst say nothing about when the next one comes.
constexpr qint64 kBurstJoinNs = 4'000'000;
// Weight of the newest gap between bursts in the running estimate.
constexpr double kGapWeight = 0.25;
// Enough of a line's start to tell a code fence: up to three spaces, then ``` or ~~~.
constexpr qsizetype kFenceHeadChars = 6;
// A code line longer than this is cut at words like prose rather than waited for.
constexpr qsizetype kLongCodeLineChars = 120;

bool isFenceHead(QStringView head)
{
    qsizetype indent = 0;
    while (indent < head.size() && indent < 3 && head[indent] == u' ')
        ++indent;
    const QStringView rest = head.mid(indent);
    return rest.startsWith(u"```") || rest.startsWith(u"~~~");
}

} // namespace

SmartChunker::SmartChunker(SmartChunkerOptions options) : m_options(options)
{
    m_options.tickNs = std::max<qint64>(m_options.tickNs, 1);
    m_options.maxLagNs = std::max<qint64>(m_options.maxLagNs, 0);
    m_options.longRunChars = std::max(m_options.longRunChars, 1);
}

qint64 SmartChunker::currentTargetLagNs() const
{
    if (!m_gapEwmaNs)
        return 0; // nothing to spread over yet: show the first piece at once
    return std::min(qint64(*m_gapEwmaNs), m_options.maxLagNs);
}

void SmartChunker::push(const QString& text, qint64 arrivalNs)
{
    if (text.isEmpty())
        return;
    if (m_lastArrivalNs) {
        const qint64 gap = arrivalNs - *m_lastArrivalNs;
        if (gap >= kBurstJoinNs) {
            m_gapEwmaNs = m_gapEwmaNs ? (1 - kGapWeight) * *m_gapEwmaNs + kGapWeight * double(gap)
                                      : double(gap);
            m_lastArrivalNs = arrivalNs;
        }
    } else {
        m_lastArrivalNs = arrivalNs;
    }
    qint64 deadline = arrivalNs + currentTargetLagNs();
    if (!m_pieces.empty())
        deadline = std::max(deadline, m_pieces.back().deadlineNs); // text is shown in order
    scanLines(text);
    m_pending += text;
    m_pieces.push_back({m_pending.size(), arrivalNs, deadline});
}

// Finds the newlines that end code lines as text comes in, so cutting never rescans the answer.
void SmartChunker::scanLines(const QString& text)
{
    for (const QChar c : text) {
        ++m_pushedTotal;
        if (c == u'\n') {
            if (!m_lineClassified)
                m_lineIsFence = isFenceHead(m_lineHead);
            if (m_lineIsFence || m_inCode)
                m_codeLines.push_back({m_lineStart, m_pushedTotal});
            if (m_lineIsFence)
                m_inCode = !m_inCode;
            m_lineStart = m_pushedTotal;
            m_lineHead.clear();
            m_lineClassified = false;
            m_lineIsFence = false;
        } else if (!m_lineClassified) {
            m_lineHead += c;
            if (m_lineHead.size() >= kFenceHeadChars) {
                m_lineIsFence = isFenceHead(m_lineHead);
                m_lineClassified = true;
            }
        }
    }
}

// The last code line end in (after, upTo], as an offset in m_pending; -1 when there is none.
qsizetype SmartChunker::lastCodeLineEnd(qsizetype after, qsizetype upTo) const
{
    const qsizetype base = m_pushedTotal - m_pending.size();
    for (auto it = m_codeLines.crbegin(); it != m_codeLines.crend(); ++it) {
        const qsizetype end = it->end - base;
        if (end <= upTo)
            return end > after ? end : -1;
    }
    return -1;
}

// The code line pos lies strictly inside, in m_pending offsets (its start may be negative: the
// line's beginning was shown already).
std::optional<SmartChunker::CodeLine> SmartChunker::codeLineAround(qsizetype pos) const
{
    const qsizetype base = m_pushedTotal - m_pending.size();
    const qsizetype at = base + pos;
    if (m_inCode && at > m_lineStart)
        return CodeLine{m_lineStart - base, -1};
    for (auto it = m_codeLines.crbegin(); it != m_codeLines.crend(); ++it) {
        if (it->start < at)
            return at < it->end ? std::optional(CodeLine{it->start - base, it->end - base})
                                : std::nullopt;
    }
    return std::nullopt;
}

QString SmartChunker::take(qint64 nowNs)
{
    if (m_pending.isEmpty())
        return {};
    const qsizetype cut = chooseCut(mustRelease(nowNs), pacedRelease(nowNs));
    return cut > 0 ? release(cut, nowNs) : QString();
}

QString SmartChunker::takeAll(qint64 nowNs)
{
    return release(m_pending.size(), nowNs);
}

void SmartChunker::reset()
{
    m_pending.clear();
    m_pieces.clear();
    m_lagSamplesMs.clear();
    m_lastArrivalNs.reset();
    m_gapEwmaNs.reset();
    m_codeLines.clear();
    m_pushedTotal = 0;
    m_lineStart = 0;
    m_lineHead.clear();
    m_lineClassified = false;
    m_lineIsFence = false;
    m_inCode = false;
}

// Text whose deadline falls before the next take(): waiting would make it late.
qsizetype SmartChunker::mustRelease(qint64 nowNs) const
{
    qsizetype must = 0;
    for (const Piece& piece : m_pieces) {
        if (piece.deadlineNs >= nowNs + m_options.tickNs)
            break; // deadlines never decrease
        must = piece.end;
    }
    return must;
}

// The constant pace that meets every deadline: the first `end` characters must be out within
// the ticks left before that piece's deadline, this one included.
qsizetype SmartChunker::pacedRelease(qint64 nowNs) const
{
    qsizetype paced = 0;
    for (const Piece& piece : m_pieces) {
        const qint64 ticksLeft =
            piece.deadlineNs <= nowNs ? 1 : (piece.deadlineNs - nowNs) / m_options.tickNs + 1;
        paced = std::max(paced, qsizetype((piece.end + ticksLeft - 1) / ticksLeft));
    }
    return paced;
}

// The end of the pending text may be the middle of a word the next delta completes.
bool SmartChunker::endIsWordEnd() const
{
    if (m_pending.isEmpty())
        return true;
    const QChar last = m_pending.back();
    return last.isSpace() || last.isPunct();
}

// Prefers the last word boundary the pace allows; releases nothing extra rather than half a
// word, unless a long run has no boundary at all. In fenced code the unit is the line: the last
// line end the pace reaches, else nothing extra until one does (lines too long to wait for are
// cut at words). Overdue text goes out regardless, completed to the end of its line or word when
// that has arrived (showing text early never breaks the bound).
qsizetype SmartChunker::chooseCut(qsizetype must, qsizetype paced) const
{
    const qsizetype size = m_pending.size();
    paced = std::min(paced, size);
    QTextBoundaryFinder words(QTextBoundaryFinder::Word, m_pending);
    qsizetype cut = must;
    if (paced > must) {
        const std::optional<CodeLine> line = codeLineAround(paced);
        if (const qsizetype lineEnd = lastCodeLineEnd(must, paced); lineEnd > 0) {
            cut = lineEnd;
        } else if (!line || paced - line->start >= kLongCodeLineChars) {
            words.setPosition(paced);
            qsizetype boundary = words.isAtBoundary() ? paced : words.toPreviousBoundary();
            if (boundary == size && !endIsWordEnd())
                boundary = words.toPreviousBoundary();
            if (boundary > must)
                cut = boundary;
            else if (paced - std::max<qsizetype>(boundary, 0) >= m_options.longRunChars)
                cut = paced;
        }
    }
    if (cut <= 0 || cut >= size)
        return std::clamp<qsizetype>(cut, 0, size);
    if (const std::optional<CodeLine> line = codeLineAround(cut);
        line && line->end > 0 && line->end - line->start < kLongCodeLineChars)
        return line->end;
    words.setPosition(cut);
    if (!words.isAtBoundary()) {
        const qsizetype next = words.toNextBoundary();
        if (next > cut && next - cut <= m_options.longRunChars && (next < size || endIsWordEnd()))
            cut = next;
    }
    if (cut >= size)
        return size;
    QTextBoundaryFinder graphemes(QTextBoundaryFinder::Grapheme, m_pending);
    graphemes.setPosition(cut);
    return graphemes.isAtBoundary() ? cut : graphemes.toNextBoundary();
}

QString SmartChunker::release(qsizetype cut, qint64 nowNs)
{
    const qsizetype releasedEnd = m_pushedTotal - m_pending.size() + cut;
    while (!m_codeLines.empty() && m_codeLines.front().end <= releasedEnd)
        m_codeLines.pop_front();
    const QString shown = m_pending.left(cut);
    m_pending.remove(0, cut);
    while (!m_pieces.empty() && m_pieces.front().end <= cut) {
        m_lagSamplesMs.push_back(double(std::max<qint64>(nowNs - m_pieces.front().arrivalNs, 0)) /
                                 1e6);
        m_pieces.pop_front();
    }
    for (Piece& piece : m_pieces)
        piece.end -= cut;
    return shown;
}

} // namespace adminchat
