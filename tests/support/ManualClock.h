// Time a test moves by hand, for classes that take a clock (StreamPacer::setClock): the test
// says how much time passes instead of sleeping, so the result does not depend on how busy the
// machine is.
#pragma once

#include <QtGlobal>
#include <functional>
#include <memory>

class ManualClock
{
public:
    explicit ManualClock(qint64 startNs = 0);

    qint64 nowNs() const { return *m_nowNs; }
    void setNs(qint64 ns) { *m_nowNs = ns; }
    void advanceNs(qint64 ns) { *m_nowNs += ns; }
    void advanceMs(qint64 ms) { advanceNs(ms * 1'000'000); }

    // What a class's setClock() takes: reads this clock, also after the clock object is gone.
    std::function<qint64()> function() const;

private:
    std::shared_ptr<qint64> m_nowNs;
};
