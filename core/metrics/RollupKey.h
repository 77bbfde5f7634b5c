#pragma once

#include <QHashFunctions>
#include <QString>
#include <array>

namespace adminchat {

struct MetricsRecord;

// Names one rollup bucket: a time bucket of one resolution, for one group of labels (the
// endpoint's key, model, variant, experiment and tag). Tags and experiments are kept apart so
// that every filter the dashboard offers selects whole buckets.
struct RollupKey
{
    enum class Resolution : qint64
    {
        Minute = 60'000,
        Hour = 3'600'000,
        Day = 86'400'000,
        // Seven days from a Thursday (aligned to the epoch, like the dashboard's week slices):
        // a year is 53 of them rather than 365 days, for the long windows.
        Week = 604'800'000,
    };
    static constexpr std::array<Resolution, 4> resolutions = {Resolution::Minute, Resolution::Hour,
                                                              Resolution::Day, Resolution::Week};

    Resolution resolution = Resolution::Minute;
    qint64 bucketMs = 0; // start of the bucket, ms since the epoch, UTC
    QString endpointKey; // MetricsRecord::endpointKey
    QString model;
    QString variant;
    QString experiment;
    QString tag;

    static qint64 bucketStart(qint64 ms, Resolution resolution);
    // The bucket of this resolution that record falls into (its start time must be valid).
    static RollupKey of(const MetricsRecord& record, Resolution resolution);

    bool operator==(const RollupKey&) const = default;
};

inline size_t qHash(const RollupKey& key, size_t seed = 0)
{
    return qHashMulti(seed, qint64(key.resolution), key.bucketMs, key.endpointKey, key.model,
                      key.variant, key.experiment, key.tag);
}

} // namespace adminchat
