#include "net/RetryPolicy.h"

#include <QRandomGenerator>
#include <algorithm>
#include <cmath>

namespace adminchat {

namespace {

// RFC 9110 HTTP-date: IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is what servers send; Qt
// reads it as RFC 2822 once the zone is numeric.
std::optional<QDateTime> httpDate(QByteArrayView text)
{
    QString value = QString::fromLatin1(text.data(), text.size()).trimmed();
    if (value.endsWith(QLatin1String(" GMT"), Qt::CaseInsensitive) ||
        value.endsWith(QLatin1String(" UTC"), Qt::CaseInsensitive))
        value = value.chopped(4) + QStringLiteral(" +0000");
    const QDateTime date = QDateTime::fromString(value, Qt::RFC2822Date);
    if (!date.isValid())
        return std::nullopt;
    return date;
}

std::optional<double> number(QByteArrayView text)
{
    bool ok = false;
    const double value = QByteArray(text.data(), text.size()).trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<int> withinLimits(double ms)
{
    if (ms > 0 && ms <= RetryPolicy::maxServerDelayMs)
        return int(std::ceil(ms));
    return std::nullopt;
}

} // namespace

RetryPolicy::RetryPolicy(int maxRetries) : m_maxRetries(std::max(0, maxRetries)) {}

bool RetryPolicy::isRetryableStatus(int httpStatus)
{
    return httpStatus == 408 || httpStatus == 409 || httpStatus == 429 ||
           (httpStatus >= 500 && httpStatus <= 599);
}

bool RetryPolicy::isRetryableKind(ApiError::Kind kind)
{
    switch (kind) {
    case ApiError::Kind::Connection:
    case ApiError::Kind::ConnectTimeout:
    case ApiError::Kind::IdleTimeout:
        return true;
    // A certificate the client does not trust stays untrusted; the total timeout spans all
    // attempts; the rest are answers, not failures to get one.
    case ApiError::Kind::Http:
    case ApiError::Kind::Tls:
    case ApiError::Kind::TotalTimeout:
    case ApiError::Kind::CutOff:
    case ApiError::Kind::Stream:
    case ApiError::Kind::Protocol:
    case ApiError::Kind::Cancelled:
    case ApiError::Kind::Empty:
        break;
    }
    return false;
}

bool RetryPolicy::isRetryable(int httpStatus, ApiError::Kind kind, QByteArrayView shouldRetryHeader)
{
    if (kind == ApiError::Kind::Http) {
        const QByteArray header =
            QByteArray(shouldRetryHeader.data(), shouldRetryHeader.size()).trimmed().toLower();
        if (header == "true")
            return true;
        if (header == "false")
            return false;
        return isRetryableStatus(httpStatus);
    }
    return isRetryableKind(kind);
}

std::optional<int> RetryPolicy::serverDelayMs(QByteArrayView retryAfterMs,
                                              QByteArrayView retryAfter, const QDateTime& nowUtc)
{
    // The SDKs take the first header that parses, then check its range.
    if (const std::optional<double> ms = number(retryAfterMs))
        return withinLimits(*ms);
    if (const std::optional<double> seconds = number(retryAfter))
        return withinLimits(*seconds * 1000);
    if (const std::optional<QDateTime> date = httpDate(retryAfter))
        return withinLimits(double(nowUtc.msecsTo(*date)));
    return std::nullopt;
}

int RetryPolicy::backoffMs(int retryIndex, double random)
{
    const double base =
        std::min(initialDelayMs * std::pow(2.0, std::clamp(retryIndex, 0, 30)), double(maxDelayMs));
    const double jitter = 1.0 - 0.25 * std::clamp(random, 0.0, 1.0);
    return int(std::lround(base * jitter));
}

int RetryPolicy::takeRetry(std::optional<int> serverDelayMs)
{
    const int index = m_retriesUsed++;
    if (serverDelayMs)
        return *serverDelayMs;
    return backoffMs(index, QRandomGenerator::global()->generateDouble());
}

} // namespace adminchat
