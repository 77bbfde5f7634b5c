#include "metrics/RollupCell.h"

#include "metrics/MetricsRecord.h"
#include "metrics/VarintReader.h"
#include "metrics/VarintWriter.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace adminchat {

namespace {

constexpr quint8 formatVersion = 2; // 1: QDataStream, fixed-width
// As the reference aggregation (tests/reference, MetricsAggregator) counts them.
constexpr qint64 longPromptTokens = 4000;
constexpr qint64 longPromptChars = 16000;
constexpr int rateLimitedStatus = 429;
// A corrupt blob must not make us allocate gigabytes before the stream runs dry.
constexpr quint32 maxListSize = 1u << 24;

quint64 promptFingerprint(const QString& promptHash)
{
    bool ok = false;
    const quint64 fromHex = promptHash.left(16).toULongLong(&ok, 16); // SHA-256 hex
    return ok ? fromHex : quint64(qHash(promptHash, 0));
}

std::optional<double> judged(const MetricsRecord& record, CategoryMetric metric)
{
    std::optional<double> value;
    switch (metric) {
    case CategoryMetric::Ttft:
        value = record.ttftMs;
        break;
    case CategoryMetric::Ttfat:
        value = record.ttfatMs;
        break;
    case CategoryMetric::E2e:
        value = record.e2eMs;
        break;
    }
    return value ? value : record.e2eMs;
}

void insertSorted(std::vector<quint64>& into, quint64 value)
{
    const auto at = std::lower_bound(into.begin(), into.end(), value);
    if (at == into.end() || *at != value)
        into.insert(at, value);
}

} // namespace

std::array<quint64*, RollupCell::counterCount> RollupCell::counters()
{
    auto& c = m_defaultCategories;
    return {&c[0][0],
            &c[0][1],
            &c[0][2],
            &c[0][3],
            &c[1][0],
            &c[1][1],
            &c[1][2],
            &c[1][3],
            &c[2][0],
            &c[2][1],
            &c[2][2],
            &c[2][3],
            &m_started,
            &m_completed,
            &m_errors,
            &m_cancelled,
            &m_lengthFinishes,
            &m_streamed,
            &m_retries,
            &m_rateLimited,
            &m_ratedUp,
            &m_ratedDown,
            &m_longPrompts,
            &m_acceptedPredictionTokens,
            &m_rejectedPredictionTokens,
            &m_hashedPrompts};
}

std::array<const quint64*, RollupCell::counterCount> RollupCell::counters() const
{
    std::array<const quint64*, counterCount> result;
    std::ranges::copy(const_cast<RollupCell*>(this)->counters(), result.begin());
    return result;
}

std::array<QuantileSketch*, RollupCell::sketchCount> RollupCell::sketches()
{
    return {&m_ttft,       &m_ttfat,          &m_e2e,       &m_itl,       &m_tokensPerSecond,
            &m_displayLag, &m_longPromptTtft, &m_judged[0], &m_judged[1], &m_judged[2]};
}

std::array<const QuantileSketch*, RollupCell::sketchCount> RollupCell::sketches() const
{
    std::array<const QuantileSketch*, sketchCount> result;
    std::ranges::copy(const_cast<RollupCell*>(this)->sketches(), result.begin());
    return result;
}

void RollupCell::add(const MetricsRecord& record)
{
    ++m_started;
    const bool error = record.isError();
    const bool cancelled = !error && record.isCancelled();
    const bool completed = !error && !cancelled;
    if (error) {
        ++m_errors;
        ++m_errorKinds[record.errorKind ? ApiError::kindName(*record.errorKind) : QString()];
    } else if (cancelled) {
        ++m_cancelled;
    } else {
        ++m_completed;
        if (record.status == RequestStatus::Length)
            ++m_lengthFinishes;
    }
    m_streamed += record.streamed;
    m_retries += quint64(std::max(record.retries, 0));
    m_rateLimited += record.httpStatus == rateLimitedStatus;
    changeRating(std::nullopt, record.rating);
    if (record.displayLagP95Ms)
        m_displayLag.add(*record.displayLagP95Ms);
    m_acceptedPredictionTokens +=
        quint64(std::max<qint64>(record.acceptedPredictionTokens.value_or(0), 0));
    m_rejectedPredictionTokens +=
        quint64(std::max<qint64>(record.rejectedPredictionTokens.value_or(0), 0));
    if (!record.promptHash.isEmpty()) {
        ++m_hashedPrompts;
        insertSorted(m_promptHashes, promptFingerprint(record.promptHash));
        capHashes();
    }
    const bool longPrompt = record.promptTokens ? *record.promptTokens > longPromptTokens
                                                : record.promptChars > longPromptChars;
    if (longPrompt) {
        ++m_longPrompts;
        if (completed && record.ttftMs)
            m_longPromptTtft.add(*record.ttftMs);
    }
    if (!completed) // latency of completed requests only, as MetricsAggregator counts
        return;
    for (CategoryMetric metric : {CategoryMetric::Ttft, CategoryMetric::Ttfat, CategoryMetric::E2e})
        if (const std::optional<double> value = judged(record, metric)) {
            m_judged[std::size_t(metric)].add(*value);
            const LatencyCategory category = CategoryThresholds{}.categorize(*value);
            ++m_defaultCategories[std::size_t(metric)][std::size_t(category)];
        }
    if (record.ttftMs)
        m_ttft.add(*record.ttftMs);
    if (record.ttfatMs)
        m_ttfat.add(*record.ttfatMs);
    if (record.e2eMs)
        m_e2e.add(*record.e2eMs);
    if (record.tokensPerSecond)
        m_tokensPerSecond.add(*record.tokensPerSecond);
    if (!record.itlSketch.isEmpty())
        m_itl.mergeBytes(record.itlSketch); // a blob that does not decode is skipped
}

void RollupCell::changeRating(std::optional<int> from, std::optional<int> to)
{
    if (from) {
        m_ratedUp -= *from > 0 && m_ratedUp > 0;
        m_ratedDown -= *from < 0 && m_ratedDown > 0;
    }
    if (to) {
        m_ratedUp += *to > 0;
        m_ratedDown += *to < 0;
    }
}

void RollupCell::merge(const RollupCell& other)
{
    const auto mine = counters();
    const auto theirs = other.counters();
    for (std::size_t i = 0; i < mine.size(); ++i)
        *mine[i] += *theirs[i];
    for (auto it = other.m_errorKinds.cbegin(); it != other.m_errorKinds.cend(); ++it)
        m_errorKinds[it.key()] += it.value();
    if (!other.m_promptHashes.empty()) {
        std::vector<quint64> both;
        both.reserve(m_promptHashes.size() + other.m_promptHashes.size());
        std::ranges::set_union(m_promptHashes, other.m_promptHashes, std::back_inserter(both));
        m_promptHashes.swap(both);
        m_hashesCapped = m_hashesCapped || other.m_hashesCapped;
        capHashes();
    }
    const auto into = sketches();
    const auto from = other.sketches();
    for (std::size_t i = 0; i < into.size(); ++i)
        into[i]->merge(*from[i]);
}

void RollupCell::summarizeInto(GroupStats& stats, const CategoryRule& rule) const
{
    stats.started = m_started;
    stats.completed = m_completed;
    stats.errors = m_errors;
    stats.cancelled = m_cancelled;
    stats.lengthFinishes = m_lengthFinishes;
    stats.streamed = m_streamed;
    stats.retries = m_retries;
    stats.rateLimited = m_rateLimited;
    stats.ratedUp = m_ratedUp;
    stats.ratedDown = m_ratedDown;
    stats.errorKinds = m_errorKinds;
    stats.repeatedPrompts = repeatedPrompts();
    stats.longPrompts = m_longPrompts;
    stats.longPromptTtft = m_longPromptTtft;
    stats.acceptedPredictionTokens = m_acceptedPredictionTokens;
    stats.rejectedPredictionTokens = m_rejectedPredictionTokens;
    const CategoryThresholds& t = rule.thresholds;
    const CategoryThresholds defaults;
    if (t.excellentBelowMs == defaults.excellentBelowMs && t.goodBelowMs == defaults.goodBelowMs &&
        t.acceptableBelowMs == defaults.acceptableBelowMs) {
        stats.categories = m_defaultCategories[std::size_t(rule.metric)];
    } else {
        const QuantileSketch& judgedValues = m_judged[std::size_t(rule.metric)];
        const quint64 excellent = judgedValues.countBelow(t.excellentBelowMs);
        const quint64 good = judgedValues.countBelow(t.goodBelowMs);
        const quint64 acceptable = judgedValues.countBelow(t.acceptableBelowMs);
        stats.categories = {excellent, good - excellent, acceptable - good,
                            judgedValues.count() - acceptable};
    }
    stats.ttft = MetricSummary::fromSketch(m_ttft);
    stats.ttfat = MetricSummary::fromSketch(m_ttfat);
    stats.e2e = MetricSummary::fromSketch(m_e2e);
    stats.itl = MetricSummary::fromSketch(m_itl);
    stats.tokensPerSecond = MetricSummary::fromSketch(m_tokensPerSecond);
    stats.displayLag = MetricSummary::fromSketch(m_displayLag);
}

QByteArray RollupCell::toBytes() const
{
    // Compact: most buckets hold a handful of records, so counters are varints (zero is one
    // byte), only non-empty sketches are written (a bitmap says which) and hashes are fixed
    // 8 bytes. A bucket of one record takes about 200 bytes and stays within SQLite's page.
    QByteArray bytes;
    const auto putVarint = [&bytes](quint64 value) {
        char buffer[10];
        VarintWriter writer(buffer);
        writer.putVarint(value);
        bytes.append(buffer, writer.end() - buffer);
    };
    bytes.append(char(formatVersion));
    for (const quint64* counter : counters())
        putVarint(*counter);
    putVarint(quint64(m_errorKinds.size()));
    for (auto it = m_errorKinds.cbegin(); it != m_errorKinds.cend(); ++it) {
        const QByteArray kind = it.key().toUtf8();
        putVarint(quint64(kind.size()));
        bytes.append(kind);
        putVarint(it.value());
    }
    putVarint(quint64(m_promptHashes.size()) << 1 | (m_hashesCapped ? 1 : 0));
    for (quint64 hash : m_promptHashes) {
        char buffer[8];
        VarintWriter writer(buffer);
        writer.putDouble(std::bit_cast<double>(hash)); // 8 little-endian bytes
        bytes.append(buffer, 8);
    }
    quint64 present = 0;
    const auto all = sketches();
    for (std::size_t i = 0; i < all.size(); ++i)
        present |= all[i]->isEmpty() ? 0 : quint64(1) << i;
    putVarint(present);
    for (const QuantileSketch* sketch : all) {
        if (sketch->isEmpty())
            continue;
        const QByteArray blob = sketch->toBytes();
        putVarint(quint64(blob.size()));
        bytes.append(blob);
    }
    return bytes;
}

void RollupCell::capHashes()
{
    if (m_promptHashes.size() <= maxPromptHashes)
        return;
    m_promptHashes.resize(maxPromptHashes); // the smallest: a bottom-k sketch of the set
    m_hashesCapped = true;
}

quint64 RollupCell::repeatedPrompts() const
{
    if (!m_hashesCapped)
        return m_hashedPrompts - m_promptHashes.size();
    // k smallest of uniformly spread 64-bit fingerprints: about (k - 1) / (k-th / 2^64)
    // distinct ones (Bar-Yossef et al., "Counting distinct elements in a data stream").
    const double kth = double(m_promptHashes.back()) / 18446744073709551616.0;
    const double distinct = double(maxPromptHashes - 1) / std::max(kth, 1e-300);
    return quint64(std::max(0.0, double(m_hashedPrompts) - std::round(distinct)));
}

std::optional<quint64> RollupCell::startedFromBytes(QByteArrayView bytes)
{
    // Where m_started stands among the counters, which come first after the version.
    static const auto startedIndex = [] {
        RollupCell cell;
        const auto all = cell.counters();
        return std::ranges::find(all, &cell.m_started) - all.begin();
    }();
    VarintReader in(bytes);
    quint8 version = 0;
    if (!in.getByte(version) || version != formatVersion)
        return std::nullopt;
    quint64 counter = 0;
    for (qsizetype i = 0; i <= startedIndex; ++i) {
        if (!in.getVarint(counter))
            return std::nullopt;
    }
    return counter;
}

std::optional<RollupCell> RollupCell::fromBytes(QByteArrayView bytes)
{
    VarintReader in(bytes);
    quint8 version = 0;
    if (!in.getByte(version) || version != formatVersion)
        return std::nullopt;
    RollupCell cell;
    for (quint64* counter : cell.counters()) {
        if (!in.getVarint(*counter))
            return std::nullopt;
    }
    quint64 kinds = 0;
    if (!in.getVarint(kinds) || kinds > maxListSize)
        return std::nullopt;
    for (quint64 i = 0; i < kinds; ++i) {
        quint64 size = 0;
        quint64 count = 0;
        if (!in.getVarint(size) || size > quint64(in.remaining()))
            return std::nullopt;
        const QString kind =
            QString::fromUtf8(reinterpret_cast<const char*>(in.position()), qsizetype(size));
        in.skip(qsizetype(size));
        if (!in.getVarint(count))
            return std::nullopt;
        cell.m_errorKinds.insert(kind, count);
    }
    quint64 hashes = 0;
    if (!in.getVarint(hashes))
        return std::nullopt;
    cell.m_hashesCapped = hashes & 1;
    hashes >>= 1;
    if (hashes > maxPromptHashes || hashes * 8 > quint64(in.remaining()))
        return std::nullopt;
    cell.m_promptHashes.resize(std::size_t(hashes));
    for (quint64& hash : cell.m_promptHashes) {
        double bits = 0;
        in.getDouble(bits);
        hash = std::bit_cast<quint64>(bits);
    }
    if (!std::ranges::is_sorted(cell.m_promptHashes) ||
        std::ranges::adjacent_find(cell.m_promptHashes) != cell.m_promptHashes.end())
        return std::nullopt;
    quint64 present = 0;
    if (!in.getVarint(present) || present >> sketchCount)
        return std::nullopt;
    const auto all = cell.sketches();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (!(present & (quint64(1) << i)))
            continue;
        quint64 size = 0;
        if (!in.getVarint(size) || size == 0 || size > quint64(in.remaining()))
            return std::nullopt;
        std::optional<QuantileSketch> decoded = QuantileSketch::fromBytes(
            QByteArray(reinterpret_cast<const char*>(in.position()), qsizetype(size)));
        if (!decoded || decoded->isEmpty())
            return std::nullopt;
        *all[i] = std::move(*decoded);
        in.skip(qsizetype(size));
    }
    if (in.remaining() != 0)
        return std::nullopt;
    return cell;
}

} // namespace adminchat
