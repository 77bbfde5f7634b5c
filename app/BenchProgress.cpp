#include "BenchProgress.h"

#include "CommandLine.h"
#include "bench/BenchResult.h"

#include <algorithm>
#include <unistd.h>

namespace adminchat {

namespace {

constexpr qint64 plainEveryMs = 5000;
constexpr int barWidth = 24;

QString ms(const std::optional<double>& value)
{
    return value ? QString::number(*value, 'f', 0) : QStringLiteral("–");
}

} // namespace

BenchProgress::BenchProgress(bool terminal, qint64 totalRequests, double durationSeconds)
    : m_terminal(terminal), m_total(totalRequests), m_duration(durationSeconds)
{
    m_clock.start();
}

bool BenchProgress::stderrIsTerminal()
{
    return isatty(STDERR_FILENO) == 1;
}

void BenchProgress::started()
{
    m_clock.start();
    m_lastPlainMs = 0;
}

QString BenchProgress::line(const BenchResult& result, int inFlight) const
{
    const double seconds = double(m_clock.elapsed()) / 1000.0;
    const double share = m_total > 0 ? double(result.requests()) / double(m_total)
                                     : (m_duration > 0 ? std::min(1.0, seconds / m_duration) : 0.0);
    const QString done = m_total > 0 ? QStringLiteral("%1/%2").arg(result.requests()).arg(m_total)
                                     : QStringLiteral("%1 in %2/%3 s")
                                           .arg(result.requests())
                                           .arg(seconds, 0, 'f', 0)
                                           .arg(m_duration, 0, 'f', 0);
    const QString text =
        QStringLiteral("%1 · %2 req/s · %3 errors · in flight %4 · TTFT P50 %5 ms P95 %6 ms")
            .arg(done)
            .arg(seconds > 0 ? double(result.requests()) / seconds : 0.0, 0, 'f', 1)
            .arg(result.errors())
            .arg(inFlight)
            .arg(ms(result.liveTtftQuantile(0.5)), ms(result.liveTtftQuantile(0.95)));
    if (!m_terminal)
        return QStringLiteral("bench: ") + text;
    const int filled = int(share * barWidth + 0.5);
    return QStringLiteral("[%1%2] ").arg(QString(filled, QLatin1Char('#')),
                                         QString(barWidth - filled, QLatin1Char('.'))) +
           text;
}

void BenchProgress::update(const BenchResult& result, int inFlight)
{
    if (m_terminal) {
        writeErr(QStringLiteral("\r") + line(result, inFlight) + QStringLiteral("\x1b[K"));
        m_drawn = true;
        return;
    }
    const qint64 now = m_clock.elapsed();
    if (now - m_lastPlainMs < plainEveryMs)
        return;
    m_lastPlainMs = now;
    writeErr(line(result, inFlight) + QLatin1Char('\n'));
}

void BenchProgress::finish(const BenchResult& result, int inFlight)
{
    if (m_terminal)
        writeErr(QStringLiteral("\r") + line(result, inFlight) + QStringLiteral("\x1b[K\n"));
    else
        writeErr(line(result, inFlight) + QLatin1Char('\n'));
    m_drawn = false;
}

void BenchProgress::note(const QString& text)
{
    if (m_terminal && m_drawn)
        writeErr(QStringLiteral("\r\x1b[K"));
    writeErr(text + QLatin1Char('\n'));
    m_drawn = false;
}

} // namespace adminchat
