#include "experiments/ExperimentComparison.h"

#include "experiments/Statistics.h"
#include "metrics/RequestMetrics.h"

#include <QHash>
#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace adminchat {

namespace {

// Per-variant accumulation: counts and the raw samples the tests need.
struct Group
{
    VariantSummary summary;
    std::vector<double> ttft, e2e, tokensPerSecond; // sorted once all records are in
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

void finish(Group& group)
{
    VariantSummary& s = group.summary;
    for (auto* samples : {&group.ttft, &group.e2e, &group.tokensPerSecond})
        std::sort(samples->begin(), samples->end());
    s.ttftP50Ms = RequestMetrics::percentile(group.ttft, 0.50);
    s.ttftP95Ms = RequestMetrics::percentile(group.ttft, 0.95);
    s.e2eP50Ms = RequestMetrics::percentile(group.e2e, 0.50);
    s.e2eP95Ms = RequestMetrics::percentile(group.e2e, 0.95);
    s.tokensPerSecondP50 = RequestMetrics::percentile(group.tokensPerSecond, 0.50);
    s.tokensPerSecondP95 = RequestMetrics::percentile(group.tokensPerSecond, 0.95);
    s.errorRate = share(s.errors, s.requests);
    s.completionRate = share(s.completed, s.requests);
    s.satisfaction = share(s.ratedUp, s.rated);
}

const std::vector<double>& samplesOf(const Group& group, ComparisonMetric metric)
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
        const std::vector<double>& first = samplesOf(variant, metric);
        const std::vector<double>& second = samplesOf(control, metric);
        c.variantSamples = qint64(first.size());
        c.controlSamples = qint64(second.size());
        if (first.empty() || second.empty())
            return c;
        c.difference =
            *RequestMetrics::percentile(first, 0.5) - *RequestMetrics::percentile(second, 0.5);
        if (c.variantSamples < c.minimumSamples || c.controlSamples < c.minimumSamples)
            return c;
        const auto test = statistics::mannWhitneyU(first, second);
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

ExperimentComparison ExperimentComparison::compute(const QString& experiment,
                                                   const QStringList& variantOrder,
                                                   const std::vector<MetricsRecord>& records,
                                                   const ComparisonOptions& options)
{
    std::vector<Group> groups;
    QHash<QString, std::size_t> groupOf;
    auto groupFor = [&](const QString& name) -> Group& {
        auto it = groupOf.constFind(name);
        if (it == groupOf.constEnd()) {
            it = groupOf.insert(name, groups.size());
            groups.emplace_back();
            groups.back().summary.variant = name;
        }
        return groups[*it];
    };
    for (const QString& name : variantOrder)
        groupFor(name);
    const std::size_t declared = groups.size();

    for (const MetricsRecord& record : records) {
        if (record.experiment != experiment || record.variant.isEmpty())
            continue;
        Group& group = groupFor(record.variant);
        VariantSummary& s = group.summary;
        ++s.requests;
        if (record.isError())
            ++s.errors;
        if (record.isCompleted()) {
            ++s.completed;
            addSample(group.ttft, record.ttftMs);
            addSample(group.e2e, record.e2eMs);
            addSample(group.tokensPerSecond, record.tokensPerSecond);
        }
        // A rating of 0 carries no opinion either way.
        if (record.rating && *record.rating != 0) {
            ++s.rated;
            if (*record.rating > 0)
                ++s.ratedUp;
        }
    }

    // Undeclared variants (e.g. removed from the file since) follow in name order.
    std::sort(groups.begin() + qsizetype(declared), groups.end(),
              [](const Group& a, const Group& b) { return a.summary.variant < b.summary.variant; });

    ExperimentComparison result;
    result.experiment = experiment;
    result.options = options;
    for (Group& group : groups) {
        finish(group);
        result.variants.append(group.summary);
    }
    for (std::size_t i = 1; i < groups.size(); ++i) {
        for (ComparisonMetric metric : allMetrics())
            result.comparisons.append(compare(metric, groups[i], groups[0], options));
    }
    return result;
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
