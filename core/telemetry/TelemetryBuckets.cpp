#include "telemetry/TelemetryBuckets.h"

#include <QLocale>
#include <QString>
#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace adminchat::TelemetryBuckets {

namespace {

// Sorted, without duplicates.
std::vector<double> unionOf(std::initializer_list<std::initializer_list<double>> lists)
{
    std::vector<double> all;
    for (const auto& list : lists)
        all.insert(all.end(), list.begin(), list.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
}

} // namespace

const std::vector<double>& operationDuration()
{
    static const std::vector<double> bounds = unionOf({
        // OTel semconv 1.41.0, gen_ai.client.operation.duration
        {0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92},
        // vLLM, vllm:e2e_request_latency_seconds
        {0.3,  0.5,  0.8,  1.0,  1.5,   2.0,   2.5,   5.0,   10.0,   15.0,  20.0,
         30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0},
    });
    return bounds;
}

const std::vector<double>& timeToFirstChunk()
{
    static const std::vector<double> bounds = unionOf({
        // OTel semconv 1.41.0, gen_ai.client.operation.time_to_first_chunk
        {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5,
         10.0},
        // vLLM, vllm:time_to_first_token_seconds
        {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,  0.25,  0.5,   0.75,
         1.0,   2.5,   5.0,  7.5,  10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0},
    });
    return bounds;
}

const std::vector<double>& timePerOutputChunk()
{
    static const std::vector<double> bounds = unionOf({
        // OTel semconv 1.41.0, gen_ai.client.operation.time_per_output_chunk
        {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5},
        // vLLM, vllm:inter_token_latency_seconds
        {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
         20.0, 40.0, 80.0},
        // ours: fast local servers
        {0.001, 0.0025, 0.005, 0.0075},
    });
    return bounds;
}

const std::vector<double>& tokenUsage()
{
    static const std::vector<double> bounds = unionOf({
        // OTel semconv 1.41.0, gen_ai.client.token.usage
        {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864},
        // vLLM, build_1_2_5_buckets(1e6) for request_prompt_tokens / generation_tokens
        {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000,
         500000, 1000000},
    });
    return bounds;
}

QByteArray formatNumber(double value)
{
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    // Python's repr() in fixed notation from 1e-4 up to 1e16, which covers every boundary; other
    // values (sums only) keep the shortest exponent form, which every parser reads.
    const double magnitude = std::fabs(value);
    if (value != 0 && (magnitude < 1e-4 || magnitude >= 1e16))
        return QString::number(value, 'g', QLocale::FloatingPointShortest).toLatin1();
    QByteArray text = QString::number(value, 'f', QLocale::FloatingPointShortest).toLatin1();
    if (!text.contains('.'))
        text += ".0";
    // floatToGoString: a positive number with more than six integer digits goes to the exponent
    // form Go's strconv would write, trailing zeros of the mantissa dropped.
    const qsizetype dot = text.indexOf('.');
    if (value > 0 && dot > 6) {
        QByteArray mantissa = text.left(1) + '.' + text.mid(1, dot - 1) + text.mid(dot + 1);
        while (mantissa.endsWith('0'))
            mantissa.chop(1);
        if (mantissa.endsWith('.'))
            mantissa.chop(1);
        text = mantissa + "e+0" + QByteArray::number(dot - 1);
    }
    return text;
}

} // namespace adminchat::TelemetryBuckets
