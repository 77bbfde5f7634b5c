#pragma once

#include <QtGlobal>

namespace adminchat {

// The error-spike detector: the dashboard's "error-spike" suggestion and the watch's
// "error_rate" alert both ask it, so the two never disagree on what a spike is.
class ErrorSpike
{
public:
    struct Counts
    {
        quint64 started = 0;
        quint64 errors = 0;
        double rate() const { return started ? double(errors) / double(started) : 0.0; }
    };
    struct Thresholds
    {
        quint64 minRequests = 10;      // in the recent window, before it speaks
        quint64 minErrors = 3;         // in the recent window
        double factor = 3.0;           // recent rate over this many times the baseline's
        double rateWithoutBase = 0.20; // when the baseline had no errors (or is not given)
    };

    // Whether the recent window's error rate is a spike against the baseline (the time before
    // the window; empty counts: none). A hysteresis scales the rates with scaled().
    static bool detected(const Counts& recent, const Counts& base, const Thresholds& thresholds);
    // The same thresholds with both rates times ratio (e.g. 0.9 to clear a spike only below
    // 90 % of what raised it).
    static Thresholds scaled(Thresholds thresholds, double ratio);
};

} // namespace adminchat
