#pragma once

#include <QElapsedTimer>
#include <QString>

namespace adminchat {

class BenchResult;

// Progress of a load run on stderr: on a terminal one line redrawn in place (a bar, done/total,
// requests/s, errors, live TTFT P50/P95); otherwise a plain line every few seconds, for logs.
class BenchProgress
{
public:
    BenchProgress(bool terminal, qint64 totalRequests, double durationSeconds);

    void started(); // the measurement began (after the warm-up)
    void update(const BenchResult& result, int inFlight);
    void finish(const BenchResult& result,
                int inFlight);      // last state, then a newline on a terminal
    void note(const QString& line); // a message between progress lines

    static bool stderrIsTerminal();

private:
    QString line(const BenchResult& result, int inFlight) const;

    bool m_terminal;
    qint64 m_total;
    double m_duration;
    QElapsedTimer m_clock;
    qint64 m_lastPlainMs = 0;
    bool m_drawn = false;
};

} // namespace adminchat
