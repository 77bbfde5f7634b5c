#include "metrics/SuggestionEngine.h"

#include "metrics/ErrorSpike.h"

#include <algorithm>
#include <tuple>

namespace adminchat {

namespace {

// Minimum samples before a rule speaks: requests in the group, or samples of the figure a rule
// compares (TTFT P95 needs TTFT values, which only completed requests have).
constexpr quint64 minRequests = 20;        // 24 h and 1 h rules
constexpr quint64 minRequests5Min = 10;    // ttft-degradation (recent side); error-spike's too
constexpr quint64 minTtftSamples24h = 50;  // ttft-degradation (baseline side)
constexpr quint64 minLongPromptTtfts = 10; // prompt-caching, long-prompt branch

constexpr double streamedShareBelow = 0.50;         // enable-streaming
constexpr double slowModelTtftP95Ms = 3000;         // faster-model
constexpr double fasterModelFactor = 3.0;           // faster-model: other P95 <= a third
constexpr double rateLimitedShareAbove = 0.02;      // rate-limited
constexpr double ttftDegradationFactor = 1.5;       // ttft-degradation: 5 min vs 24 h P95
constexpr double repeatedPromptShareAtLeast = 0.20; // prompt-caching
constexpr double longPromptTtftP50Ms = 2000;        // prompt-caching
constexpr double lengthFinishShareAbove = 0.10;     // raise-max-tokens

using Severity = Suggestion::Severity;

QString duration(double ms)
{
    return ms >= 1000 ? QString::number(ms / 1000, 'f', 1) + QStringLiteral(" s")
                      : QString::number(ms, 'f', 0) + QStringLiteral(" ms");
}

QString percent(double share)
{
    return QString::number(share * 100, 'f', 1) + QLatin1Char('%');
}

// Labels go in with one multi-argument arg() call, after the numbers: a '%2' inside a URL must
// not be taken for a placeholder.
QString modelName(const GroupStats& group)
{
    return group.variant.isEmpty() ? group.model
                                   : QStringLiteral("%1 (%2)").arg(group.model, group.variant);
}

Suggestion suggestion(const char* rule, Severity severity, const GroupStats& group,
                      const QString& message, const QString& evidence)
{
    Suggestion s;
    s.rule = QLatin1String(rule);
    s.severity = severity;
    s.message = message;
    s.evidence = evidence;
    s.endpoint = group.endpoint;
    s.model = group.model;
    return s;
}

const GroupStats* findGroup(const QList<GroupStats>& groups, const GroupStats& like)
{
    const auto it = std::find_if(groups.cbegin(), groups.cend(), [&](const GroupStats& g) {
        return g.sameEndpoint(like) && g.model == like.model && g.variant == like.variant;
    });
    return it == groups.cend() ? nullptr : &*it;
}

void enableStreaming(const SuggestionEngine::Input& in, QList<Suggestion>& out)
{
    for (const GroupStats& g : in.last24Hours.byEndpoint) {
        if (g.started < minRequests || g.streamedShare() >= streamedShareBelow)
            continue;
        out.append(suggestion(
            "enable-streaming", Severity::Info, g,
            QStringLiteral("Turn on streaming for %1: without it TTFT is only the full answer "
                           "time, and users wait for the whole answer.")
                .arg(g.endpoint),
            QStringLiteral("%1 of %2 requests streamed (%3) in the last 24 h")
                .arg(g.streamed)
                .arg(g.started)
                .arg(percent(g.streamedShare()))));
    }
}

void fasterModel(const SuggestionEngine::Input& in, QList<Suggestion>& out)
{
    const QList<GroupStats>& groups = in.last24Hours.byModel;
    for (const GroupStats& slow : groups) {
        if (slow.ttft.count < minRequests || !(slow.ttft.p95 > slowModelTtftP95Ms))
            continue;
        const GroupStats* fastest = nullptr;
        for (const GroupStats& other : groups) {
            if (&other == &slow || !other.sameEndpoint(slow) || other.ttft.count < minRequests ||
                !(other.ttft.p95 * fasterModelFactor <= slow.ttft.p95))
                continue;
            if (!fastest || other.ttft.p95 < fastest->ttft.p95)
                fastest = &other;
        }
        if (!fastest)
            continue;
        out.append(suggestion(
            "faster-model", Severity::Warning, slow,
            QStringLiteral("Consider %1 instead of %2 on %3: its first token comes at least three "
                           "times sooner.")
                .arg(modelName(*fastest), modelName(slow), slow.endpoint),
            QStringLiteral("TTFT P95 %1 for %2 (%3 requests) vs %4 for %5 (%6 requests) in the "
                           "last 24 h")
                .arg(duration(slow.ttft.p95), modelName(slow), QString::number(slow.ttft.count),
                     duration(fastest->ttft.p95), modelName(*fastest),
                     QString::number(fastest->ttft.count))));
    }
}

void rateLimited(const SuggestionEngine::Input& in, QList<Suggestion>& out)
{
    for (const GroupStats& g : in.lastHour.byEndpoint) {
        if (g.started < minRequests || !(g.rateLimitedShare() > rateLimitedShareAbove))
            continue;
        out.append(suggestion(
            "rate-limited", Severity::Warning, g,
            QStringLiteral("Lower the concurrency or back off between requests to %1: it is "
                           "rate limiting you.")
                .arg(g.endpoint),
            QStringLiteral("HTTP 429 on %1 of %2 requests (%3) in the last hour")
                .arg(g.rateLimited)
                .arg(g.started)
                .arg(percent(g.rateLimitedShare()))));
    }
}

QString mostFrequentKind(const GroupStats& g)
{
    QString kind;
    quint64 count = 0;
    for (auto it = g.errorKinds.cbegin(); it != g.errorKinds.cend(); ++it) {
        if (it.value() > count) {
            kind = it.key();
            count = it.value();
        }
    }
    return kind;
}

void errorSpike(const SuggestionEngine::Input& in, QList<Suggestion>& out)
{
    // ErrorSpike's defaults: 5 min vs the hour before, at least 10 requests and 3 errors.
    const ErrorSpike::Thresholds thresholds;
    for (const GroupStats& recent : in.last5Minutes.byEndpoint) {
        // The baseline is the hour before the last 5 minutes (the hour window includes them), so
        // a spike does not raise its own baseline.
        quint64 baseStarted = 0;
        quint64 baseErrors = 0;
        if (const GroupStats* hour = findGroup(in.lastHour.byEndpoint, recent)) {
            baseStarted = hour->started > recent.started ? hour->started - recent.started : 0;
            baseErrors = hour->errors > recent.errors ? hour->errors - recent.errors : 0;
        }
        const double rate = recent.errorRate();
        const double baseRate = baseStarted ? double(baseErrors) / double(baseStarted) : 0.0;
        if (!ErrorSpike::detected({recent.started, recent.errors}, {baseStarted, baseErrors},
                                  thresholds))
            continue;
        QString evidence = QStringLiteral("%1 errors in %2 requests (%3) in the last 5 min vs %4 "
                                          "(%5 of %6) in the hour before")
                               .arg(recent.errors)
                               .arg(recent.started)
                               .arg(percent(rate), percent(baseRate))
                               .arg(baseErrors)
                               .arg(baseStarted);
        const QString kind = mostFrequentKind(recent);
        if (!kind.isEmpty())
            evidence += QStringLiteral("; mostly %1").arg(kind);
        out.append(suggestion("error-spike", Severity::Alert, recent,
                              QStringLiteral("Check %1 now: its error rate jumped in the last 5 "
                                             "minutes.")
                                  .arg(recent.endpoint),
                              evidence));
    }
}

void ttftDegradation(const SuggestionEngine::Input& in, QList<Suggestion>& out)
{
    for (const GroupStats& recent : in.last5Minutes.byModel) {
        if (recent.ttft.count < minRequests5Min)
            continue;
        const GroupStats* day = findGroup(in.last24Hours.byModel, recent);
        if (!day || day->ttft.count < minTtftSamples24h ||
            !(recent.ttft.p95 > ttftDegradationFactor * day->ttft.p95))
            continue;
        out.append(suggestion(
            "ttft-degradation", Severity::Alert, recent,
            QStringLiteral("Check the load on %1: time to first token of %2 has degraded in "
                           "the last 5 minutes.")
                .arg(recent.endpoint, modelName(recent)),
            QStringLiteral("TTFT P95 %1 over %2 requests in the last 5 min vs %3 over %4 in the "
                           "last 24 h (x%5)")
                .arg(duration(recent.ttft.p95))
                .arg(recent.ttft.count)
                .arg(duration(day->ttft.p95))
                .arg(day->ttft.count)
                .arg(recent.ttft.p95 / day->ttft.p95, 0, 'f', 1)));
    }
}

void promptCaching(const SuggestionEngine::Input& in, QList<Suggestion>& out)
{
    for (const GroupStats& g : in.last24Hours.byEndpoint) {
        QStringList evidence;
        if (g.started >= minRequests &&
            double(g.repeatedPrompts) / double(g.started) >= repeatedPromptShareAtLeast)
            evidence << QStringLiteral("%1 of %2 requests (%3) repeat an earlier prompt")
                            .arg(g.repeatedPrompts)
                            .arg(g.started)
                            .arg(percent(double(g.repeatedPrompts) / double(g.started)));
        if (g.longPromptTtft.count() >= minLongPromptTtfts) {
            const double p50 = g.longPromptTtft.quantile(0.5).value_or(0);
            if (p50 > longPromptTtftP50Ms)
                evidence << QStringLiteral("TTFT P50 %1 over %2 long prompts (over 4,000 tokens)")
                                .arg(duration(p50))
                                .arg(g.longPromptTtft.count());
        }
        if (evidence.isEmpty())
            continue;
        out.append(suggestion(
            "prompt-caching", Severity::Info, g,
            QStringLiteral("Enable prompt caching on %1 and put the stable part of the prompt "
                           "(system prompt, documents) first so its prefix can be reused.")
                .arg(g.endpoint),
            evidence.join(QStringLiteral("; ")) + QStringLiteral(" in the last 24 h")));
    }
}

void raiseMaxTokens(const SuggestionEngine::Input& in, QList<Suggestion>& out)
{
    for (const GroupStats& g : in.last24Hours.byModel) {
        if (g.started < minRequests || g.completed == 0 ||
            !(double(g.lengthFinishes) / double(g.completed) > lengthFinishShareAbove))
            continue;
        out.append(suggestion(
            "raise-max-tokens", Severity::Info, g,
            QStringLiteral("Raise max_tokens for %1 on %2: answers are being cut off.")
                .arg(modelName(g), g.endpoint),
            QStringLiteral("%1 of %2 completed answers (%3) stopped at max_tokens in the last "
                           "24 h")
                .arg(g.lengthFinishes)
                .arg(g.completed)
                .arg(percent(double(g.lengthFinishes) / double(g.completed)))));
    }
}

} // namespace

QList<Suggestion> SuggestionEngine::evaluate(const Input& input)
{
    QList<Suggestion> out;
    using Rule = void (*)(const Input&, QList<Suggestion>&);
    for (Rule rule : {enableStreaming, fasterModel, rateLimited, errorSpike, ttftDegradation,
                      promptCaching, raiseMaxTokens})
        rule(input, out);
    // Alerts first; then by rule id and subject, so the list is stable between refreshes.
    std::stable_sort(out.begin(), out.end(), [](const Suggestion& a, const Suggestion& b) {
        if (a.severity != b.severity)
            return a.severity > b.severity;
        return std::tie(a.rule, a.endpoint, a.model) < std::tie(b.rule, b.endpoint, b.model);
    });
    return out;
}

} // namespace adminchat
