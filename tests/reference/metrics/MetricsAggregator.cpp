#include "metrics/MetricsAggregator.h"

#include "metrics/PromptRepeatCounter.h"
#include "metrics/SuggestionEngine.h"

#include <QHash>
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

namespace adminchat {

namespace {

// A prompt of more than this many tokens (or characters, when the server sent no usage) is long:
// where prompt caching saves the most time to first token.
constexpr qint64 longPromptTokens = 4000;
constexpr qint64 longPromptChars = 16000;
constexpr int rateLimitedStatus = 429;
constexpr int maxTimelineBuckets = 10000; // bounds the cells and the slice arithmetic
// Both passes are bound by memory latency (each record's strings and blobs live elsewhere on the
// heap), so they prefetch a record's lines, then its texts, this many records ahead.
constexpr std::size_t prefetchDistance = 8;

// The lines of up to 256 bytes of heap data (a string's text, a sketch blob). No std::min or
// std::max in here: with them GCC 12 silently dropped every prefetch of the function.
inline void prefetchData(const char* bytes, qsizetype size)
{
    const qsizetype end = size < 256 ? size : 256;
    for (qsizetype offset = 0; offset < end; offset += 64)
        __builtin_prefetch(bytes + offset);
    if (end > 0)
        __builtin_prefetch(bytes + end - 1); // the data need not start on a line
}

inline void prefetchText(const QString& text)
{
    prefetchData(reinterpret_cast<const char*>(text.constData()), text.size() * 2);
}

inline void prefetchRecord(const MetricsRecord& record)
{
    const char* bytes = reinterpret_cast<const char*>(&record);
    for (std::size_t offset = 0; offset < sizeof(MetricsRecord); offset += 64)
        __builtin_prefetch(bytes + offset);
    __builtin_prefetch(bytes + sizeof(MetricsRecord) - 1);
}

// Same text. The pointer test first: records built in the process share their label buffers.
inline bool sameString(const QString& a, const QString& b)
{
    return a.size() == b.size() &&
           (a.constData() == b.constData() ||
            std::memcmp(a.constData(), b.constData(), std::size_t(a.size()) * sizeof(QChar)) == 0);
}

inline bool sameLabels(const MetricsRecord& a, const MetricsRecord& b)
{
    return sameString(a.endpoint, b.endpoint) && sameString(a.endpointId, b.endpointId) &&
           sameString(a.profile, b.profile) && sameString(a.model, b.model) &&
           sameString(a.variant, b.variant) && sameString(a.tag, b.tag);
}

std::optional<double> metricValue(const MetricsRecord& record, CategoryMetric metric)
{
    switch (metric) {
    case CategoryMetric::Ttft:
        return record.ttftMs;
    case CategoryMetric::Ttfat:
        return record.ttfatMs;
    case CategoryMetric::E2e:
        return record.e2eMs;
    }
    return std::nullopt;
}

// The latency a completed record is judged on: the rule's metric, or E2E for an answer without
// output (no first token to time), as RequestMetrics::fromTrace labels it when recording.
std::optional<double> judgedValue(const MetricsRecord& record, CategoryMetric metric)
{
    const std::optional<double> value = metricValue(record, metric);
    return value ? value : record.e2eMs;
}

bool isLongPrompt(const MetricsRecord& record)
{
    return record.promptTokens ? *record.promptTokens > longPromptTokens
                               : record.promptChars > longPromptChars;
}

struct Sketches
{
    QuantileSketch ttft, ttfat, e2e, itl, tokensPerSecond, displayLag;

    void merge(const Sketches& other) // exact: same accuracy, bucket counts add
    {
        ttft.merge(other.ttft);
        ttfat.merge(other.ttfat);
        e2e.merge(other.e2e);
        itl.merge(other.itl);
        tokensPerSecond.merge(other.tokensPerSecond);
        displayLag.merge(other.displayLag);
    }

    void summarizeInto(GroupStats& stats) const
    {
        stats.ttft = MetricSummary::fromSketch(ttft);
        stats.ttfat = MetricSummary::fromSketch(ttfat);
        stats.e2e = MetricSummary::fromSketch(e2e);
        stats.itl = MetricSummary::fromSketch(itl);
        stats.tokensPerSecond = MetricSummary::fromSketch(tokensPerSecond);
        stats.displayLag = MetricSummary::fromSketch(displayLag);
    }
};

// Only the (endpoint, model, variant) groups are fed per record; the endpoint groups and the
// total are summed and merged from them at the end, which is exact. Repeated prompts are the
// exception (a prompt seen under another model repeats at the endpoint level):
// PromptRepeatCounter.
struct Group
{
    GroupStats stats;
    Sketches sketches;
    int endpoint = 0; // index of the endpoint group
};

void addCounts(GroupStats& into, const GroupStats& from)
{
    into.started += from.started;
    into.completed += from.completed;
    into.errors += from.errors;
    into.cancelled += from.cancelled;
    into.lengthFinishes += from.lengthFinishes;
    into.streamed += from.streamed;
    into.retries += from.retries;
    into.rateLimited += from.rateLimited;
    into.ratedUp += from.ratedUp;
    into.ratedDown += from.ratedDown;
    for (std::size_t i = 0; i < into.categories.size(); ++i)
        into.categories[i] += from.categories[i];
    for (auto it = from.errorKinds.cbegin(); it != from.errorKinds.cend(); ++it)
        into.errorKinds[it.key()] += it.value();
    into.longPrompts += from.longPrompts;
    into.longPromptTtft.merge(from.longPromptTtft);
    into.acceptedPredictionTokens += from.acceptedPredictionTokens;
    into.rejectedPredictionTokens += from.rejectedPredictionTokens;
}

// 128-bit product folded to 64 bits: the mixing step of wyhash.
inline quint64 mum(quint64 a, quint64 b)
{
    const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
    return quint64(product) ^ quint64(product >> 64);
}

// A 64-bit hash of UTF-16 text in the manner of wyhash, 16 bytes per multiply: several times
// cheaper than qHash on the 64-character prompt hashes, which every record carries.
quint64 hashText(const QString& text, quint64 seed = 0)
{
    constexpr quint64 k0 = 0xa0761d6478bd642full;
    constexpr quint64 k1 = 0xe7037ed1a0b428dbull;
    const char* bytes = reinterpret_cast<const char*>(text.constData());
    std::size_t left = std::size_t(text.size()) * sizeof(QChar);
    quint64 state = mum(seed ^ left ^ k0, k1);
    quint64 words[2];
    for (; left >= sizeof(words); left -= sizeof(words), bytes += sizeof(words)) {
        std::memcpy(words, bytes, sizeof(words));
        state = mum(words[0] ^ state ^ k0, words[1] ^ k1);
    }
    words[0] = words[1] = 0;
    std::memcpy(words, bytes, left);
    return mum(words[0] ^ state ^ k0, words[1] ^ k1 ^ left);
}

// An endpoint's key and the labels of its newest records (MetricsRecord::endpointLabel).
struct EndpointLabels
{
    QString key, label, url;
    void applyTo(GroupStats& stats) const
    {
        stats.endpointId = key;
        stats.endpoint = label;
        stats.endpointUrl = url;
    }
};

struct GroupKey
{
    QString endpoint, model, variant;
    bool operator==(const GroupKey&) const = default;
};

size_t qHash(const GroupKey& key, size_t seed = 0)
{
    return qHashMulti(seed, key.endpoint, key.model, key.variant);
}

// Maps a record's labels to its group index, or -1 when the filter rejects them: the previous
// record's answer when the labels are the same (consecutive records often share them), else an
// open-addressing table of the label combinations seen so far, each kept as a record that has it
// (the records outlive the aggregation), so no QString is copied or ref-counted per record. The
// filter runs once per combination.
class GroupResolver
{
public:
    GroupResolver(const MetricsFilter& filter, std::vector<Group>& groups,
                  QList<EndpointLabels>& endpoints)
        : m_filter(filter), m_groups(groups), m_endpoints(endpoints), m_known(64)
    {}

    int resolve(const MetricsRecord& record)
    {
        if (m_last && sameLabels(*m_last, record))
            return m_lastGroup;
        const quint64 hash =
            hashText(record.tag,
                     hashText(record.variant, hashText(record.model, hashText(record.endpoint))));
        std::size_t i = hash & (m_known.size() - 1);
        while (m_known[i].record &&
               !(m_known[i].hash == hash && sameLabels(*m_known[i].record, record)))
            i = (i + 1) & (m_known.size() - 1);
        m_last = &record;
        if (m_known[i].record)
            return m_lastGroup = m_known[i].group;
        m_lastGroup = newCombination(record);
        m_known[i] = {hash, &record, m_lastGroup};
        if (++m_knownCount * 2 > m_known.size())
            grow();
        return m_lastGroup;
    }

private:
    struct Known
    {
        quint64 hash = 0;
        const MetricsRecord* record = nullptr; // nullptr: free slot
        int group = -1;
    };

    void grow()
    {
        std::vector<Known> old(m_known.size() * 2);
        old.swap(m_known);
        for (const Known& known : old) {
            if (!known.record)
                continue;
            std::size_t i = known.hash & (m_known.size() - 1);
            while (m_known[i].record)
                i = (i + 1) & (m_known.size() - 1);
            m_known[i] = known;
        }
    }

    int newCombination(const MetricsRecord& record)
    {
        if (!m_filter.matchesLabels(record))
            return -1;
        // Tags do not split a group. A profile renamed, or the Demo endpoint on another port,
        // is a new combination of the same endpoint, whose labels are then the newer ones
        // (records come oldest first); every group of it takes them at the end.
        const GroupKey key{record.endpointKey(), record.model, record.variant};
        const EndpointLabels labels{key.endpoint, record.endpointLabel(), record.endpoint};
        qsizetype endpoint = 0; // once per combination: a scan is fine
        while (endpoint < m_endpoints.size() && m_endpoints[endpoint].key != key.endpoint)
            ++endpoint;
        if (endpoint == m_endpoints.size())
            m_endpoints.append(labels);
        else
            m_endpoints[endpoint] = labels;
        if (const auto known = m_byGroup.constFind(key); known != m_byGroup.cend())
            return *known;
        Group group;
        group.stats.model = key.model;
        group.stats.variant = key.variant;
        group.endpoint = int(endpoint);
        m_groups.push_back(std::move(group));
        return *m_byGroup.insert(key, int(m_groups.size()) - 1);
    }

    const MetricsFilter& m_filter;
    std::vector<Group>& m_groups;
    QList<EndpointLabels>& m_endpoints;
    std::vector<Known> m_known; // a power of two in size, at most half full
    std::size_t m_knownCount = 0;
    QHash<GroupKey, int> m_byGroup;
    const MetricsRecord* m_last = nullptr;
    int m_lastGroup = -1;
};

// Equal slices of [from, to] (the last one includes to), and the TTFT, E2E and tokens/s sketches
// per (group, slice): each value is bucketed once, in its cell, and the cells are merged into
// their group and their slice at the end (exact), which saves three sketch insertions per
// record. Cells exist once used. Without buckets there is one slice and no timeline.
class Timeline
{
public:
    Timeline(int buckets, qint64 fromMs, qint64 toMs, std::size_t groups)
        : m_buckets(std::clamp(buckets, 0, maxTimelineBuckets)), m_fromMs(fromMs),
          m_spanMs(std::max<qint64>(0, toMs - fromMs)), m_slices(std::max(m_buckets, 1)),
          m_started(std::size_t(m_slices)), m_errors(std::size_t(m_slices)),
          m_cells(groups * std::size_t(m_slices))
    {}

    void add(int group, qint64 ms, const MetricsRecord& record, bool error, bool completed)
    {
        // (ms - from) * slices stays far below 2^63 for any real span.
        const qint64 slice =
            m_spanMs > 0 ? std::min((ms - m_fromMs) * m_slices / m_spanMs, m_slices - 1) : 0;
        ++m_started[std::size_t(slice)];
        m_errors[std::size_t(slice)] += error;
        if (!completed) // latency figures of completed requests only, as in the groups
            return;
        std::unique_ptr<Sketches>& cell = m_cells[std::size_t(group * m_slices + slice)];
        if (!cell)
            cell = std::make_unique<Sketches>();
        if (record.ttftMs)
            cell->ttft.add(*record.ttftMs);
        if (record.e2eMs)
            cell->e2e.add(*record.e2eMs);
        if (record.tokensPerSecond)
            cell->tokensPerSecond.add(*record.tokensPerSecond);
    }

    // Merges the cells into the groups' sketches and returns the slices.
    QList<TimeBucket> finish(std::vector<Group>& groups) const
    {
        std::vector<Sketches> perSlice(static_cast<std::size_t>(m_buckets));
        for (std::size_t i = 0; i < m_cells.size(); ++i) {
            if (const Sketches* cell = m_cells[i].get()) {
                groups[i / std::size_t(m_slices)].sketches.merge(*cell);
                if (m_buckets > 0)
                    perSlice[i % std::size_t(m_slices)].merge(*cell);
            }
        }
        QList<TimeBucket> timeline;
        for (int i = 0; i < m_buckets; ++i) {
            const Sketches& slice = perSlice[std::size_t(i)];
            TimeBucket bucket;
            bucket.start = QDateTime::fromMSecsSinceEpoch(
                m_fromMs + m_spanMs * qint64(i) / qint64(m_buckets), Qt::UTC);
            bucket.ttft = MetricSummary::fromSketch(slice.ttft);
            bucket.e2e = MetricSummary::fromSketch(slice.e2e);
            bucket.tokensPerSecond = MetricSummary::fromSketch(slice.tokensPerSecond);
            bucket.started = m_started[std::size_t(i)];
            bucket.errors = m_errors[std::size_t(i)];
            timeline.append(bucket);
        }
        return timeline;
    }

private:
    int m_buckets;
    qint64 m_fromMs;
    qint64 m_spanMs;
    qint64 m_slices;
    std::vector<quint64> m_started;
    std::vector<quint64> m_errors;
    std::vector<std::unique_ptr<Sketches>> m_cells; // group * slices + slice
};

// The counters of one record, and the sketches that are not fed through the timeline's cells.
void count(Group& group, const MetricsRecord& record, bool error, bool cancelled,
           const CategoryRule& rule, bool mergeItl)
{
    GroupStats& stats = group.stats;
    ++stats.started;
    if (error) {
        ++stats.errors;
        ++stats.errorKinds[record.errorKind ? ApiError::kindName(*record.errorKind) : QString()];
    } else if (cancelled) {
        ++stats.cancelled;
    } else {
        ++stats.completed;
        if (record.status == RequestStatus::Length)
            ++stats.lengthFinishes;
    }
    stats.streamed += record.streamed;
    stats.retries += quint64(std::max(record.retries, 0));
    stats.rateLimited += record.httpStatus == rateLimitedStatus;
    if (record.rating) {
        stats.ratedUp += *record.rating > 0;
        stats.ratedDown += *record.rating < 0;
    }
    // Shown and predicted text exists for stopped and failed answers too.
    if (record.displayLagP95Ms)
        group.sketches.displayLag.add(*record.displayLagP95Ms);
    stats.acceptedPredictionTokens +=
        quint64(std::max<qint64>(record.acceptedPredictionTokens.value_or(0), 0));
    stats.rejectedPredictionTokens +=
        quint64(std::max<qint64>(record.rejectedPredictionTokens.value_or(0), 0));
    const bool completed = !error && !cancelled;
    if (isLongPrompt(record)) {
        ++stats.longPrompts;
        if (completed && record.ttftMs)
            stats.longPromptTtft.add(*record.ttftMs);
    }
    // Latency figures of completed requests only: a fast error or an early cancel would make
    // TTFT look better (or E2E worse) than any answer a user actually got.
    if (!completed)
        return;
    if (const std::optional<double> value = judgedValue(record, rule.metric))
        ++stats.categories[std::size_t(rule.thresholds.categorize(*value))];
    if (record.ttfatMs)
        group.sketches.ttfat.add(*record.ttfatMs);
    // In place, no temporary sketch; a blob that does not decode is skipped (mergeBytes leaves
    // the sketch as it was).
    if (mergeItl && !record.itlSketch.isEmpty())
        group.sketches.itl.mergeBytes(record.itlSketch);
}

void sortByRequests(QList<GroupStats>& groups)
{
    // Busiest first; stable, so equal counts keep first-seen order: deterministic for an input.
    std::stable_sort(groups.begin(), groups.end(), [](const GroupStats& a, const GroupStats& b) {
        return a.started > b.started;
    });
}

} // namespace

AggregateReport MetricsAggregator::aggregate(const std::vector<MetricsRecord>& records,
                                             const MetricsFilter& filter, const QDateTime& now,
                                             const Options& options)
{
    AggregateReport report;
    report.from = filter.start(now);
    report.to = now;
    // Bounds in ms once: no QDateTime arithmetic per record.
    const qint64 toMs = now.toMSecsSinceEpoch();
    const bool bounded = report.from.isValid();
    const qint64 fromMs = bounded ? report.from.toMSecsSinceEpoch() : 0;

    // Pass 1: which records are in, and their groups. Without a window start the timeline opens
    // at the first selected record, known only after this pass.
    struct Selected
    {
        quint32 index;
        int group;
    };
    std::vector<Selected> selected;
    std::vector<Group> groups;
    QList<EndpointLabels> endpoints;
    GroupResolver resolver(filter, groups, endpoints);
    qint64 firstMs = toMs;
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i + 2 * prefetchDistance < records.size())
            prefetchRecord(records[i + 2 * prefetchDistance]);
        if (i + prefetchDistance < records.size()) {
            prefetchText(records[i + prefetchDistance].endpoint);
            prefetchText(records[i + prefetchDistance].model);
        }
        const MetricsRecord& record = records[i];
        if (!record.startedUtc.isValid())
            continue;
        const qint64 ms = record.startedUtc.toMSecsSinceEpoch();
        if (ms > toMs || (bounded && ms < fromMs))
            continue;
        const int group = resolver.resolve(record);
        if (group < 0)
            continue;
        selected.push_back({quint32(i), group});
        firstMs = std::min(firstMs, ms);
    }
    // No start and no record: no timeline at all rather than slices of nothing.
    Timeline timeline(bounded || !selected.empty() ? options.timelineBuckets : 0,
                      bounded ? fromMs : firstMs, toMs, groups.size());

    // Pass 2: the figures.
    std::vector<PromptRepeatCounter::Use> promptUses;
    promptUses.reserve(selected.size());
    for (std::size_t i = 0; i < selected.size(); ++i) {
        if (i + 2 * prefetchDistance < selected.size())
            prefetchRecord(records[selected[i + 2 * prefetchDistance].index]);
        if (i + prefetchDistance < selected.size()) {
            const MetricsRecord& ahead = records[selected[i + prefetchDistance].index];
            prefetchText(ahead.promptHash);
            if (options.mergeItl)
                prefetchData(ahead.itlSketch.constData(), ahead.itlSketch.size());
        }
        const Selected& selection = selected[i];
        const MetricsRecord& record = records[selection.index];
        Group& group = groups[std::size_t(selection.group)];
        const bool error = record.isError();
        const bool cancelled = !error && record.isCancelled();
        count(group, record, error, cancelled, options.categoryRule, options.mergeItl);
        timeline.add(selection.group, record.startedUtc.toMSecsSinceEpoch(), record, error,
                     !error && !cancelled);
        if (!record.promptHash.isEmpty()) {
            const quint64 hash = hashText(record.promptHash);
            promptUses.push_back({hash + (hash == 0), selection.group, group.endpoint});
        }
    }

    // Then the endpoint groups and the total, from the model groups.
    report.timeline = timeline.finish(groups);
    const PromptRepeatCounter::Counts repeats =
        PromptRepeatCounter::count(promptUses, groups.size(), std::size_t(endpoints.size()));
    std::vector<Group> byEndpoint(std::size_t(endpoints.size()));
    for (std::size_t i = 0; i < byEndpoint.size(); ++i) {
        endpoints[qsizetype(i)].applyTo(byEndpoint[i].stats);
        byEndpoint[i].stats.repeatedPrompts = repeats.byEndpoint[i];
    }
    for (std::size_t i = 0; i < groups.size(); ++i) {
        Group& group = groups[i];
        endpoints[group.endpoint].applyTo(group.stats);
        group.stats.repeatedPrompts = repeats.byGroup[i];
        Group& endpoint = byEndpoint[std::size_t(group.endpoint)];
        addCounts(endpoint.stats, group.stats);
        endpoint.sketches.merge(group.sketches);
        group.sketches.summarizeInto(group.stats);
        report.byModel.append(std::move(group.stats));
    }
    Group total;
    for (Group& endpoint : byEndpoint) {
        addCounts(total.stats, endpoint.stats);
        total.sketches.merge(endpoint.sketches);
        endpoint.sketches.summarizeInto(endpoint.stats);
        report.byEndpoint.append(std::move(endpoint.stats));
    }
    total.stats.repeatedPrompts = repeats.total;
    total.sketches.summarizeInto(total.stats);
    report.total = std::move(total.stats);
    sortByRequests(report.byModel);
    sortByRequests(report.byEndpoint);
    return report;
}

std::optional<LatencyCategory> MetricsAggregator::categorize(const MetricsRecord& record,
                                                             const CategoryRule& rule)
{
    if (record.isError())
        return LatencyCategory::Error;
    if (record.isCancelled())
        return LatencyCategory::Cancelled;
    const std::optional<double> value = judgedValue(record, rule.metric);
    if (!value)
        return std::nullopt;
    return rule.thresholds.categorize(*value);
}

QList<Suggestion> MetricsAggregator::suggest(const std::vector<MetricsRecord>& records,
                                             const MetricsFilter& filter, const QDateTime& now)
{
    Options options;
    options.timelineBuckets = 0; // the rules read no timeline
    options.mergeItl = false;
    const auto window = [&](MetricsFilter::Window w) {
        MetricsFilter windowed = filter;
        windowed.window = w;
        windowed.since = QDateTime();
        return aggregate(records, windowed, now, options);
    };
    SuggestionEngine::Input input;
    input.last5Minutes = window(MetricsFilter::Window::Last5Minutes);
    input.lastHour = window(MetricsFilter::Window::LastHour);
    input.last24Hours = window(MetricsFilter::Window::Last24Hours);
    return SuggestionEngine::evaluate(input);
}

} // namespace adminchat
