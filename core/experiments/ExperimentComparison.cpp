#include "experiments/ExperimentComparison.h"

#include "experiments/Statistics.h"
#include "metrics/RequestMetrics.h"

#include <QHash>
#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace adminchat {

namespace {

// Per-variant accumulation: counts, percentiles and the samples the tests need, as (value,
// count) pairs: each record's value once, or a sketch's values with their counts.
struct Group
{
    VariantSummary summary;
    statistics::ValueCounts ttft, e2e, tokensPerSecond;
    // Records' values, until finishRecords() takes their percentiles and counts them.
    std::vector<double> ttftValues, e2eValues, tokensPerSecondValues;
};

void addSample(std::vector<double>& samples, const std::optional<double>& value)
{
    // A NaN would break the ordering that percentiles and ranks rely on.
    if (value && std::isfinite(*value))
        samples.push_back(*value);
}

std::optional<double> share(qint64 part, qint64 whole)
{
    if (whole <= 0)
        return std::nullopt;
    return double(part) / double(whole);
}

void finishRates(VariantSummary& s)
{
    s.errorRate = share(s.errors, s.requests);
    s.completionRate = share(s.completed, s.requests);
    s.satisfaction = share(s.ratedUp, s.rated);
}

void finishRecords(Group& group)
{
    VariantSummary& s = group.summary;
    const auto take = [](std::vector<double>& values, std::optional<double>& p50,
                         std::optional<double>& p95, statistics::ValueCounts& samples) {
        std::sort(values.begin(), values.end());
        p50 = RequestMetrics::percentile(values, 0.50);
        p95 = RequestMetrics::percentile(values, 0.95);
        samples = statistics::countValues(values);
        values = {};
    };
    take(group.ttftValues, s.ttftP50Ms, s.ttftP95Ms, group.ttft);
    take(group.e2eValues, s.e2eP50Ms, s.e2eP95Ms, group.e2e);
    take(group.tokensPerSecondValues, s.tokensPerSecondP50, s.tokensPerSecondP95,
         group.tokensPerSecond);
    finishRates(s);
}

void takeCell(Group& group, const RollupCell& cell)
{
    VariantSummary& s = group.summary;
    s.requests = qint64(cell.started());
    s.completed = qint64(cell.completed());
    s.errors = qint64(cell.errors());
    s.rated = qint64(cell.ratedUp() + cell.ratedDown());
    s.ratedUp = qint64(cell.ratedUp());
    const auto take = [](const QuantileSketch& sketch, std::optional<double>& p50,
                         std::optional<double>& p95, statistics::ValueCounts& samples) {
        p50 = sketch.quantile(0.50);
        p95 = sketch.quantile(0.95);
        samples = sketch.valueCounts();
    };
    take(cell.ttft(), s.ttftP50Ms, s.ttftP95Ms, group.ttft);
    take(cell.e2e(), s.e2eP50Ms, s.e2eP95Ms, group.e2e);
    take(cell.tokensPerSecond(), s.tokensPerSecondP50, s.tokensPerSecondP95, group.tokensPerSecond);
    finishRates(s);
}

const statistics::ValueCounts& samplesOf(const Group& group, ComparisonMetric metric)
{
    switch (metric) {
    case ComparisonMetric::Ttft:
        return group.ttft;
    case ComparisonMetric::E2e:
        return group.e2e;
    default:
        return group.tokensPerSecond;
    }
}

std::optional<double> medianOf(const VariantSummary& s, ComparisonMetric metric)
{
    switch (metric) {
    case ComparisonMetric::Ttft:
        return s.ttftP50Ms;
    case ComparisonMetric::E2e:
        return s.e2eP50Ms;
    default:
        return s.tokensPerSecondP50;
    }
}

qint64 sampleCount(const statistics::ValueCounts& samples)
{
    quint64 n = 0;
    for (const auto& [value, count] : samples)
        n += count;
    return qint64(n);
}

// Successes and trials of a rate metric.
std::pair<qint64, qint64> countsOf(const VariantSummary& s, ComparisonMetric metric)
{
    switch (metric) {
    case ComparisonMetric::ErrorRate:
        return {s.errors, s.requests};
    case ComparisonMetric::CompletionRate:
        return {s.completed, s.requests};
    default:
        return {s.ratedUp, s.rated};
    }
}

bool isRate(ComparisonMetric metric)
{
    return metric == ComparisonMetric::ErrorRate || metric == ComparisonMetric::CompletionRate ||
           metric == ComparisonMetric::Satisfaction;
}

MetricComparison compare(ComparisonMetric metric, const Group& variant, const Group& control,
                         const ComparisonOptions& options)
{
    MetricComparison c;
    c.metric = metric;
    c.variant = variant.summary.variant;
    c.control = control.summary.variant;
    c.minimumSamples = std::max(options.minimumSamples, 1);

    // direction > 0: the variant's values (or share) are higher than the control's.
    double direction = 0;
    if (isRate(metric)) {
        const auto [x1, n1] = countsOf(variant.summary, metric);
        const auto [x2, n2] = countsOf(control.summary, metric);
        c.variantSamples = n1;
        c.controlSamples = n2;
        const auto test = statistics::twoProportionTest(x1, n1, x2, n2);
        if (test)
            c.difference = test->difference;
        if (!test || n1 < c.minimumSamples || n2 < c.minimumSamples)
            return c;
        c.effectSize = test->cohenH;
        c.pValue = test->pValue;
        direction = test->z;
    } else {
        const statistics::ValueCounts& first = samplesOf(variant, metric);
        const statistics::ValueCounts& second = samplesOf(control, metric);
        c.variantSamples = sampleCount(first);
        c.controlSamples = sampleCount(second);
        if (c.variantSamples == 0 || c.controlSamples == 0)
            return c;
        c.difference = *medianOf(variant.summary, metric) - *medianOf(control.summary, metric);
        if (c.variantSamples < c.minimumSamples || c.controlSamples < c.minimumSamples)
            return c;
        const auto test = statistics::mannWhitneyUCounted(first, second);
        c.effectSize = test->rankBiserial;
        c.pValue = test->pValue;
        direction = test->z;
    }

    if (!(*c.pValue < options.alpha) || direction == 0) {
        c.verdict = MetricComparison::Verdict::NotSignificant;
        return c;
    }
    const bool improved =
        ExperimentComparison::lowerIsBetter(metric) ? direction < 0 : direction > 0;
    c.verdict = improved ? MetricComparison::Verdict::Better : MetricComparison::Verdict::Worse;
    return c;
}

QJsonValue orNull(const std::optional<double>& value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonObject percentiles(const std::optional<double>& p50, const std::optional<double>& p95)
{
    return {{QStringLiteral("p50"), orNull(p50)}, {QStringLiteral("p95"), orNull(p95)}};
}

QString formatDifference(ComparisonMetric metric, double difference)
{
    const double magnitude = std::abs(difference);
    switch (metric) {
    case ComparisonMetric::Ttft:
    case ComparisonMetric::E2e:
        return QString::number(magnitude, 'f', magnitude < 10 ? 1 : 0) + QStringLiteral(" ms");
    case ComparisonMetric::TokensPerSecond:
        return QString::number(magnitude, 'f', 1) + QStringLiteral(" tok/s");
    default:
        return QString::number(magnitude * 100, 'f', 1) + QStringLiteral(" percentage points");
    }
}

} // namespace

QString MetricComparison::summary() const
{
    const QString label = ExperimentComparison::metricLabel(metric);
    if (verdict == Verdict::NotEnoughData) {
        return QStringLiteral("%1: %2, not enough data yet (%3 of %4 needed)")
            .arg(variant, label)
            .arg(std::min(variantSamples, controlSamples))
            .arg(minimumSamples);
    }
    QString change;
    if (!difference || *difference == 0) {
        change = QStringLiteral("same as %1").arg(control);
    } else {
        change =
            QStringLiteral("%1 %2 than %3")
                .arg(formatDifference(metric, *difference),
                     *difference < 0 ? QStringLiteral("lower") : QStringLiteral("higher"), control);
    }
    const double p = pValue.value_or(1);
    const QString pText = p < 0.001 ? QStringLiteral("p < 0.001")
                                    : QStringLiteral("p = ") + QString::number(p, 'f', 3);
    const QString effectText =
        QStringLiteral("%1 = %2").arg(isRate(metric) ? QStringLiteral("h") : QStringLiteral("r"),
                                      QString::number(effectSize.value_or(0), 'f', 2));
    const QString significance =
        verdict == Verdict::NotSignificant ? QStringLiteral(", not significant") : QString();
    return QStringLiteral("%1: %2 %3%4 (%5, %6)")
        .arg(variant, label, change, significance, pText, effectText);
}

QString MetricComparison::verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::NotEnoughData:
        return QStringLiteral("not_enough_data");
    case Verdict::NotSignificant:
        return QStringLiteral("not_significant");
    case Verdict::Better:
        return QStringLiteral("better");
    case Verdict::Worse:
        return QStringLiteral("worse");
    }
    return {};
}

namespace {

// Groups named in variantOrder first (even those without samples), then any other, by name.
class Groups
{
public:
    explicit Groups(const QStringList& variantOrder)
    {
        for (const QString& name : variantOrder)
            find(name);
        m_declared = m_groups.size();
    }

    Group& find(const QString& name)
    {
        auto it = m_index.constFind(name);
        if (it == m_index.constEnd()) {
            it = m_index.insert(name, m_groups.size());
            m_groups.emplace_back();
            m_groups.back().summary.variant = name;
        }
        return m_groups[*it];
    }

    std::vector<Group>& ordered()
    {
        // Undeclared variants (e.g. removed from the file since) follow in name order.
        std::sort(
            m_groups.begin() + qsizetype(m_declared), m_groups.end(),
            [](const Group& a, const Group& b) { return a.summary.variant < b.summary.variant; });
        return m_groups;
    }

private:
    std::vector<Group> m_groups;
    QHash<QString, std::size_t> m_index;
    std::size_t m_declared = 0;
};

ExperimentComparison compareGroups(const QString& experiment, const std::vector<Group>& groups,
                                   const ComparisonOptions& options)
{
    ExperimentComparison result;
    result.experiment = experiment;
    result.options = options;
    for (const Group& group : groups)
        result.variants.append(group.summary);
    for (std::size_t i = 1; i < groups.size(); ++i) {
        for (ComparisonMetric metric : ExperimentComparison::allMetrics())
            result.comparisons.append(compare(metric, groups[i], groups[0], options));
    }
    return result;
}

} // namespace

ExperimentComparison ExperimentComparison::compute(const QString& experiment,
                                                   const QStringList& variantOrder,
                                                   const std::vector<MetricsRecord>& records,
                                                   const ComparisonOptions& options)
{
    Groups groups(variantOrder);
    for (const MetricsRecord& record : records) {
        if (record.experiment != experiment || record.variant.isEmpty())
            continue;
        Group& group = groups.find(record.variant);
        VariantSummary& s = group.summary;
        ++s.requests;
        if (record.isError())
            ++s.errors;
        if (record.isCompleted()) {
            ++s.completed;
            addSample(group.ttftValues, record.ttftMs);
            addSample(group.e2eValues, record.e2eMs);
            addSample(group.tokensPerSecondValues, record.tokensPerSecond);
        }
        // A rating of 0 carries no opinion either way.
        if (record.rating && *record.rating != 0) {
            ++s.rated;
            if (*record.rating > 0)
                ++s.ratedUp;
        }
    }
    std::vector<Group>& ordered = groups.ordered();
    for (Group& group : ordered)
        finishRecords(group);
    return compareGroups(experiment, ordered, options);
}

ExperimentComparison ExperimentComparison::fromCells(const QString& experiment,
                                                     const QStringList& variantOrder,
                                                     const QHash<QString, RollupCell>& variants,
                                                     const ComparisonOptions& options)
{
    Groups groups(variantOrder);
    for (auto it = variants.cbegin(); it != variants.cend(); ++it) {
        if (!it.key().isEmpty())
            takeCell(groups.find(it.key()), it.value());
    }
    std::vector<Group>& ordered = groups.ordered();
    for (Group& group : ordered) {
        if (group.summary.requests == 0)
            finishRates(group.summary); // declared, without records: nothing to take
    }
    return compareGroups(experiment, ordered, options);
}

QJsonObject ExperimentComparison::toJson() const
{
    QJsonArray variantArray;
    for (const VariantSummary& s : variants) {
        variantArray.append(QJsonObject{
            {QStringLiteral("variant"), s.variant},
            {QStringLiteral("requests"), s.requests},
            {QStringLiteral("completed"), s.completed},
            {QStringLiteral("errors"), s.errors},
            {QStringLiteral("error_rate"), orNull(s.errorRate)},
            {QStringLiteral("completion_rate"), orNull(s.completionRate)},
            {QStringLiteral("satisfaction"), orNull(s.satisfaction)},
            {QStringLiteral("rated"), s.rated},
            {QStringLiteral("ttft_ms"), percentiles(s.ttftP50Ms, s.ttftP95Ms)},
            {QStringLiteral("e2e_ms"), percentiles(s.e2eP50Ms, s.e2eP95Ms)},
            {QStringLiteral("tokens_per_s"),
             percentiles(s.tokensPerSecondP50, s.tokensPerSecondP95)},
        });
    }
    QJsonArray comparisonArray;
    for (const MetricComparison& c : comparisons) {
        comparisonArray.append(QJsonObject{
            {QStringLiteral("metric"), metricName(c.metric)},
            {QStringLiteral("variant"), c.variant},
            {QStringLiteral("control"), c.control},
            {QStringLiteral("verdict"), MetricComparison::verdictName(c.verdict)},
            {QStringLiteral("variant_samples"), c.variantSamples},
            {QStringLiteral("control_samples"), c.controlSamples},
            {QStringLiteral("difference"), orNull(c.difference)},
            {QStringLiteral("effect_size"), orNull(c.effectSize)},
            {QStringLiteral("p_value"), orNull(c.pValue)},
        });
    }
    return {{QStringLiteral("experiment"), experiment},
            {QStringLiteral("minimum_samples"), options.minimumSamples},
            {QStringLiteral("alpha"), options.alpha},
            {QStringLiteral("variants"), variantArray},
            {QStringLiteral("comparisons"), comparisonArray}};
}

const VariantSummary* ExperimentComparison::summaryOf(const QString& variant) const
{
    for (const VariantSummary& s : variants) {
        if (s.variant == variant)
            return &s;
    }
    return nullptr;
}

const MetricComparison* ExperimentComparison::find(ComparisonMetric metric,
                                                   const QString& variant) const
{
    for (const MetricComparison& c : comparisons) {
        if (c.metric == metric && c.variant == variant)
            return &c;
    }
    return nullptr;
}

QString ExperimentComparison::metricName(ComparisonMetric metric)
{
    switch (metric) {
    case ComparisonMetric::Ttft:
        return QStringLiteral("ttft");
    case ComparisonMetric::E2e:
        return QStringLiteral("e2e");
    case ComparisonMetric::TokensPerSecond:
        return QStringLiteral("tokens_per_s");
    case ComparisonMetric::ErrorRate:
        return QStringLiteral("error_rate");
    case ComparisonMetric::CompletionRate:
        return QStringLiteral("completion_rate");
    case ComparisonMetric::Satisfaction:
        return QStringLiteral("satisfaction");
    }
    return {};
}

QString ExperimentComparison::metricLabel(ComparisonMetric metric)
{
    switch (metric) {
    case ComparisonMetric::Ttft:
        return QStringLiteral("TTFT P50");
    case ComparisonMetric::E2e:
        return QStringLiteral("E2E P50");
    case ComparisonMetric::TokensPerSecond:
        return QStringLiteral("tokens/s P50");
    case ComparisonMetric::ErrorRate:
        return QStringLiteral("error rate");
    case ComparisonMetric::CompletionRate:
        return QStringLiteral("completion rate");
    case ComparisonMetric::Satisfaction:
        return QStringLiteral("satisfaction");
    }
    return {};
}

bool ExperimentComparison::lowerIsBetter(ComparisonMetric metric)
{
    return metric == ComparisonMetric::Ttft || metric == ComparisonMetric::E2e ||
           metric == ComparisonMetric::ErrorRate;
}

const QList<ComparisonMetric>& ExperimentComparison::allMetrics()
{
    static const QList<ComparisonMetric> metrics{ComparisonMetric::Ttft,
                                                 ComparisonMetric::E2e,
                                                 ComparisonMetric::TokensPerSecond,
                                                 ComparisonMetric::ErrorRate,
                                                 ComparisonMetric::CompletionRate,
                                                 ComparisonMetric::Satisfaction};
    return metrics;
}

} // namespace adminchat
