#pragma once

#include "chat/SmartChunker.h"

#include <QObject>
#include <QTimer>
#include <functional>
#include <optional>
#include <vector>

namespace adminchat {

// Sits between an answer's deltas and the view: holds each delta back just long enough to show
// the answer as an even flow of words (SmartChunker), released on a frame timer that runs only
// while text is held back. Content and reasoning are paced separately, since a view shows them
// apart; their display lags are measured together. When the stream ends the caller flushes: the
// rest is shown at once. With smoothing off every delta is released as it is pushed, and its lag
// (the hop from the network thread) is still measured.
//
// Display lag: the time from a delta's arrival to the release of its last character to the
// view. Arrival times come from the caller on the monotonic clock of monotonicNowNs(), ideally
// taken where the bytes arrived; a delta without one is stamped when it is pushed.
class StreamPacer : public QObject
{
    Q_OBJECT
public:
    explicit StreamPacer(SmartChunkerOptions options = {}, QObject* parent = nullptr);

    // The system's monotonic clock in nanoseconds; comparable across threads.
    static qint64 monotonicNowNs();

    // Tests drive time themselves: a clock, and no timer (they call tick()).
    void setClock(std::function<qint64()> clock) { m_clock = std::move(clock); }
    void setTimerEnabled(bool enabled);
    // Off: deltas go straight through. Switching off shows what is held back.
    void setSmoothing(bool enabled);
    bool isSmoothing() const { return m_smoothing; }

    // arrivalNs < 0: stamped now.
    void push(const QString& content, const QString& reasoning, qint64 arrivalNs = -1);
    // Shows everything held back at once (end of stream, stop, error, switching conversations).
    void flush();
    // A new answer: forgets the text held back and the lag samples.
    void reset();
    // reset() with other options (the lag bound is a setting).
    void setOptions(SmartChunkerOptions options);
    // Releases what is due now. The timer calls it; tests may too.
    void tick();

    bool hasPending() const { return m_content.hasPending() || m_reasoning.hasPending(); }
    // Text pushed but not released yet: the tails of the answer the view does not show.
    qsizetype pendingContentSize() const { return m_content.pendingSize(); }
    qsizetype pendingReasoningSize() const { return m_reasoning.pendingSize(); }
    // Text is held back and tick() is due every frame.
    bool isPacing() const { return m_pacing; }
    const SmartChunkerOptions& options() const { return m_content.options(); }
    // Lag samples of content and reasoning, sorted, in milliseconds.
    std::vector<double> lagSamplesMs() const;
    // Exact P95 of lagSamplesMs() (MetricsRecord::displayLagP95Ms); none before any delta.
    std::optional<double> displayLagP95Ms() const;

signals:
    void released(const QString& content, const QString& reasoning);

private:
    qint64 now() const { return m_clock ? m_clock() : monotonicNowNs(); }

    SmartChunker m_content;
    SmartChunker m_reasoning;
    QTimer m_timer;
    std::function<qint64()> m_clock;
    bool m_timerEnabled = true;
    bool m_pacing = false;
    bool m_smoothing = true;
};

} // namespace adminchat
