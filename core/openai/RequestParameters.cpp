#include "openai/RequestParameters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <cmath>

namespace adminchat {

namespace {

// Field names as the request body spells them.
const QString systemKey = QStringLiteral("system");
const QString temperatureKey = QStringLiteral("temperature");
const QString topPKey = QStringLiteral("top_p");
const QString maxTokensKey = QStringLiteral("max_tokens");
const QString stopKey = QStringLiteral("stop");
const QString seedKey = QStringLiteral("seed");
const QString effortKey = QStringLiteral("reasoning_effort");

QString numberText(double value)
{
    return QString::number(value, 'g', 6);
}

template <typename T> std::optional<T> failed(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

std::optional<double> parseRange(const QString& text, const QString& field, double low, double high,
                                 QString* error)
{
    bool ok = false;
    const double value = text.trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value) || value < low || value > high)
        return failed<double>(error, QStringLiteral("%1 needs a number from %2 to %3, got \"%4\"")
                                         .arg(field, numberText(low), numberText(high), text));
    return value;
}

QString rangeError(const QString& field, double value, double low, double high)
{
    if (std::isfinite(value) && value >= low && value <= high)
        return {};
    return QStringLiteral("%1 needs a number from %2 to %3, got %4")
        .arg(field, numberText(low), numberText(high), numberText(value));
}

} // namespace

QStringList RequestParameters::reasoningEfforts()
{
    return {QStringLiteral("none"),   QStringLiteral("minimal"), QStringLiteral("low"),
            QStringLiteral("medium"), QStringLiteral("high"),    QStringLiteral("xhigh")};
}

bool RequestParameters::isEmpty() const
{
    return *this == RequestParameters();
}

QString RequestParameters::validationError() const
{
    if (temperature)
        if (QString e = rangeError(temperatureKey, *temperature, 0, 2); !e.isEmpty())
            return e;
    if (topP)
        if (QString e = rangeError(topPKey, *topP, 0, 1); !e.isEmpty())
            return e;
    if (maxTokens && *maxTokens < 1)
        return QStringLiteral("max_tokens needs an integer of at least 1, got %1").arg(*maxTokens);
    for (const QString& sequence : stop) {
        if (sequence.isEmpty())
            return QStringLiteral("stop needs non-empty sequences");
    }
    if (!reasoningEffort.isEmpty() && !reasoningEfforts().contains(reasoningEffort))
        return QStringLiteral("reasoning_effort needs one of %1, got \"%2\"")
            .arg(reasoningEfforts().join(QStringLiteral(", ")), reasoningEffort);
    return {};
}

RequestParameters RequestParameters::overriddenBy(const RequestParameters& other) const
{
    RequestParameters result = *this;
    if (!other.system.isEmpty())
        result.system = other.system;
    if (other.temperature)
        result.temperature = other.temperature;
    if (other.topP)
        result.topP = other.topP;
    if (other.maxTokens)
        result.maxTokens = other.maxTokens;
    if (!other.stop.isEmpty())
        result.stop = other.stop;
    if (other.seed)
        result.seed = other.seed;
    if (!other.reasoningEffort.isEmpty())
        result.reasoningEffort = other.reasoningEffort;
    return result;
}

void RequestParameters::applyTo(ChatRequest& request) const
{
    request.temperature = temperature;
    request.topP = topP;
    request.maxTokens = maxTokens;
    request.stop = stop;
    request.seed = seed;
    request.reasoningEffort = reasoningEffort;
}

QJsonObject RequestParameters::toJson() const
{
    QJsonObject json;
    if (!system.isEmpty())
        json.insert(systemKey, system);
    if (temperature)
        json.insert(temperatureKey, *temperature);
    if (topP)
        json.insert(topPKey, *topP);
    if (maxTokens)
        json.insert(maxTokensKey, *maxTokens);
    if (!stop.isEmpty())
        json.insert(stopKey, QJsonArray::fromStringList(stop));
    if (seed)
        json.insert(seedKey, *seed);
    if (!reasoningEffort.isEmpty())
        json.insert(effortKey, reasoningEffort);
    return json;
}

std::optional<RequestParameters> RequestParameters::fromJson(const QJsonObject& json,
                                                             QString* error)
{
    RequestParameters p;
    auto wrongType = [error](const QString& field, const char* expected) {
        return failed<RequestParameters>(
            error, QStringLiteral("%1 needs %2").arg(field, QLatin1String(expected)));
    };
    if (const QJsonValue v = json.value(systemKey); !v.isUndefined()) {
        if (!v.isString())
            return wrongType(systemKey, "text");
        p.system = v.toString();
    }
    if (const QJsonValue v = json.value(temperatureKey); !v.isUndefined()) {
        if (!v.isDouble())
            return wrongType(temperatureKey, "a number from 0 to 2");
        p.temperature = v.toDouble();
    }
    if (const QJsonValue v = json.value(topPKey); !v.isUndefined()) {
        if (!v.isDouble())
            return wrongType(topPKey, "a number from 0 to 1");
        p.topP = v.toDouble();
    }
    if (const QJsonValue v = json.value(maxTokensKey); !v.isUndefined()) {
        const double n = v.toDouble();
        if (!v.isDouble() || n != std::floor(n) || n > 1e9)
            return wrongType(maxTokensKey, "an integer of at least 1");
        p.maxTokens = int(n);
    }
    if (const QJsonValue v = json.value(stopKey); !v.isUndefined()) {
        if (!v.isArray())
            return wrongType(stopKey, "a list of text");
        for (const QJsonValue item : v.toArray()) {
            if (!item.isString())
                return wrongType(stopKey, "a list of text");
            p.stop << item.toString();
        }
    }
    if (const QJsonValue v = json.value(seedKey); !v.isUndefined()) {
        // toInteger() keeps all 64 bits of a whole number, and gives 0 for a fraction.
        const qint64 whole = v.toInteger();
        if (!v.isDouble() || double(whole) != v.toDouble())
            return wrongType(seedKey, "an integer");
        p.seed = whole;
    }
    if (const QJsonValue v = json.value(effortKey); !v.isUndefined()) {
        if (!v.isString())
            return wrongType(effortKey, "text");
        p.reasoningEffort = v.toString();
    }
    if (const QString invalid = p.validationError(); !invalid.isEmpty())
        return failed<RequestParameters>(error, invalid);
    return p;
}

QString RequestParameters::toText() const
{
    if (isEmpty())
        return {};
    return QString::fromUtf8(QJsonDocument(toJson()).toJson(QJsonDocument::Compact));
}

RequestParameters RequestParameters::fromText(const QString& text)
{
    if (text.isEmpty())
        return {};
    return fromJson(QJsonDocument::fromJson(text.toUtf8()).object()).value_or(RequestParameters());
}

QString RequestParameters::summary() const
{
    QStringList parts;
    if (temperature)
        parts << QStringLiteral("temp %1").arg(numberText(*temperature));
    if (topP)
        parts << QStringLiteral("top_p %1").arg(numberText(*topP));
    if (maxTokens)
        parts << QStringLiteral("max %1").arg(*maxTokens);
    if (!stop.isEmpty())
        parts << QStringLiteral("stop %1").arg(stop.size());
    if (seed)
        parts << QStringLiteral("seed %1").arg(*seed);
    if (!reasoningEffort.isEmpty())
        parts << QStringLiteral("effort %1").arg(reasoningEffort);
    if (!system.isEmpty())
        parts << QStringLiteral("system prompt");
    return parts.join(QStringLiteral(" · "));
}

std::optional<double> RequestParameters::parseTemperature(const QString& text, const QString& field,
                                                          QString* error)
{
    return parseRange(text, field, 0, 2, error);
}

std::optional<double> RequestParameters::parseTopP(const QString& text, const QString& field,
                                                   QString* error)
{
    return parseRange(text, field, 0, 1, error);
}

std::optional<int> RequestParameters::parseMaxTokens(const QString& text, const QString& field,
                                                     QString* error)
{
    bool ok = false;
    const int value = text.trimmed().toInt(&ok);
    if (!ok || value < 1)
        return failed<int>(
            error, QStringLiteral("%1 needs a positive integer, got \"%2\"").arg(field, text));
    return value;
}

std::optional<qint64> RequestParameters::parseSeed(const QString& text, const QString& field,
                                                   QString* error)
{
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    if (!ok)
        return failed<qint64>(error,
                              QStringLiteral("%1 needs an integer, got \"%2\"").arg(field, text));
    return value;
}

std::optional<QString> RequestParameters::parseReasoningEffort(const QString& text,
                                                               const QString& field, QString* error)
{
    const QString value = text.trimmed().toLower();
    if (!reasoningEfforts().contains(value))
        return failed<QString>(
            error, QStringLiteral("%1 needs one of %2, got \"%3\"")
                       .arg(field, reasoningEfforts().join(QStringLiteral(", ")), text));
    return value;
}

} // namespace adminchat
