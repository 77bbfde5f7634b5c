#include "metrics/ErrorSpike.h"

namespace adminchat {

bool ErrorSpike::detected(const Counts& recent, const Counts& base, const Thresholds& thresholds)
{
    if (recent.started < thresholds.minRequests || recent.errors < thresholds.minErrors)
        return false;
    const double baseRate = base.rate();
    return baseRate > 0 ? recent.rate() > thresholds.factor * baseRate
                        : recent.rate() >= thresholds.rateWithoutBase;
}

ErrorSpike::Thresholds ErrorSpike::scaled(Thresholds thresholds, double ratio)
{
    thresholds.factor *= ratio;
    thresholds.rateWithoutBase *= ratio;
    return thresholds;
}

} // namespace adminchat
