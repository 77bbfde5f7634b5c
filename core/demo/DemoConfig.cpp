#include "demo/DemoConfig.h"

#include <array>
#include <utility>

namespace adminchat {

namespace {

struct FaultEntry
{
    DemoFault fault;
    const char* name;
};

// Single source of truth for the names used by the settings, the CLI and "X-Demo-Fault".
constexpr std::array<FaultEntry, 17> kFaults{{
    {DemoFault::Http500, "500"},
    {DemoFault::Http429, "429"},
    {DemoFault::Html502, "html502"},
    {DemoFault::Reset, "reset"},
    {DemoFault::Stall, "stall"},
    {DemoFault::ErrorAfter200, "error-after-200"},
    {DemoFault::CutOff, "cut-off"},
    {DemoFault::MalformedChunk, "malformed"},
    {DemoFault::IgnoreStream, "ignore-stream"},
    {DemoFault::RejectStreamOptions, "reject-stream-options"},
    {DemoFault::Http500Once, "500-once"},
    {DemoFault::Http429Once, "429-once"},
    {DemoFault::TruncatedChunked, "truncated-chunked"},
    {DemoFault::HugeLine, "huge-line"},
    {DemoFault::Trickle, "trickle"},
    {DemoFault::Endless, "endless"},
    {DemoFault::Garbage, "garbage"},
}};

} // namespace

std::optional<DemoConfig> DemoConfig::fromProfile(const QString& name, QString* error)
{
    const QString key = name.trimmed().toLower();
    DemoConfig config;
    config.profile = key;
    if (key == QLatin1String("instant")) {
        config.ttftMedianMs = 0;
        config.ttftSigma = 0;
        config.tokenDelayMs = 0;
        config.tokenJitterMs = 0;
    } else if (key == QLatin1String("realistic")) {
        config.ttftMedianMs = 350;
        config.ttftSigma = 0.5;
        config.tokenDelayMs = 25;
        config.tokenJitterMs = 8;
    } else if (key == QLatin1String("slow")) {
        config.ttftMedianMs = 2500;
        config.ttftSigma = 0.4;
        config.tokenDelayMs = 90;
        config.tokenJitterMs = 25;
    } else if (key == QLatin1String("fixed")) {
        // Every request gets the same timing, so a load test measures the client alone.
        config.setFixedTtft(100);
        config.setFixedTokenDelay(20);
    } else {
        if (error) {
            *error = QStringLiteral("unknown demo profile '%1' (expected one of: %2)")
                         .arg(name, profileNames().join(QStringLiteral(", ")));
        }
        return std::nullopt;
    }
    return config;
}

QStringList DemoConfig::profileNames()
{
    return {QStringLiteral("instant"), QStringLiteral("realistic"), QStringLiteral("slow"),
            QStringLiteral("fixed")};
}

void DemoConfig::setFixedTtft(double ms)
{
    ttftMedianMs = ms;
    ttftSigma = 0; // a zero spread makes the log-normal draw collapse to its median
}

void DemoConfig::setFixedTokenDelay(double ms)
{
    tokenDelayMs = ms;
    tokenJitterMs = 0;
}

QString DemoConfig::timingDescription() const
{
    const auto value = [](double ms, bool fixed) {
        return (fixed ? QString() : QStringLiteral("~")) + QString::number(ms, 'g', 6);
    };
    return QStringLiteral("TTFT %1 ms, %2 ms/token")
        .arg(value(ttftMedianMs, ttftSigma <= 0), value(tokenDelayMs, tokenJitterMs <= 0));
}

std::optional<DemoFault> DemoConfig::faultFromName(const QString& name)
{
    const QString key = name.trimmed().toLower();
    for (const FaultEntry& entry : kFaults) {
        if (key == QLatin1String(entry.name))
            return entry.fault;
    }
    return std::nullopt;
}

QString DemoConfig::faultName(DemoFault fault)
{
    for (const FaultEntry& entry : kFaults) {
        if (entry.fault == fault)
            return QString::fromLatin1(entry.name);
    }
    return {};
}

QStringList DemoConfig::faultNames()
{
    QStringList names;
    for (const FaultEntry& entry : kFaults)
        names << QString::fromLatin1(entry.name);
    return names;
}

} // namespace adminchat
