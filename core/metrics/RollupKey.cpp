#include "metrics/RollupKey.h"

#include "metrics/MetricsRecord.h"

namespace adminchat {

qint64 RollupKey::bucketStart(qint64 ms, Resolution resolution)
{
    const qint64 width = qint64(resolution);
    const qint64 remainder = ms % width;
    return ms - (remainder < 0 ? remainder + width : remainder); // floor, before 1970 too
}

RollupKey RollupKey::of(const MetricsRecord& record, Resolution resolution)
{
    RollupKey key;
    key.resolution = resolution;
    key.bucketMs = bucketStart(record.startedUtc.toMSecsSinceEpoch(), resolution);
    key.endpointKey = record.endpointKey();
    key.model = record.model;
    key.variant = record.variant;
    key.experiment = record.experiment;
    key.tag = record.tag;
    return key;
}

} // namespace adminchat
