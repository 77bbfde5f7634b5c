#pragma once

#include "openai/ApiError.h"

#include <QByteArrayView>
#include <QDateTime>
#include <optional>

namespace adminchat {

// When and after how long a failed request is sent again, as the official OpenAI SDKs do it:
// HTTP 408, 409, 429 and 5xx, connection errors and connect/idle timeouts are retried, at most
// maxRetries times; the wait before retry n (from 0) is min(0.5 * 2^n, 8) s times a jitter factor
// in (0.75, 1], unless the server asks for 0 < wait <= 60 s with retry-after-ms or retry-after.
// Pure logic; the caller makes sure nothing of the answer was delivered before it retries.
class RetryPolicy
{
public:
    static constexpr int initialDelayMs = 500;
    static constexpr int maxDelayMs = 8'000;
    static constexpr int maxServerDelayMs = 60'000;

    explicit RetryPolicy(int maxRetries = 2);

    int maxRetries() const { return m_maxRetries; }
    int retriesUsed() const { return m_retriesUsed; }
    bool hasRetriesLeft() const { return m_retriesUsed < m_maxRetries; }

    // Whether an attempt that failed like this is worth sending again, budget aside. httpStatus
    // is 0 when no status arrived; shouldRetryHeader is the x-should-retry header, whose "true"
    // or "false" overrides the status rule (the SDKs honour it too).
    static bool isRetryable(int httpStatus, ApiError::Kind kind,
                            QByteArrayView shouldRetryHeader = {});
    static bool isRetryableStatus(int httpStatus);
    static bool isRetryableKind(ApiError::Kind kind);

    // The wait the server asked for, from retry-after-ms (milliseconds, a number) first, then
    // retry-after (seconds, or an HTTP date relative to nowUtc). nullopt when absent, unreadable
    // or not within (0, 60 s]: the computed backoff applies then.
    static std::optional<int> serverDelayMs(QByteArrayView retryAfterMs, QByteArrayView retryAfter,
                                            const QDateTime& nowUtc);
    // min(0.5 * 2^retryIndex, 8) s times (1 - 0.25 * random), random in [0, 1).
    static int backoffMs(int retryIndex, double random);

    // Uses up one retry and returns the wait before it: the server's wish when given, else the
    // backoff with a random jitter.
    int takeRetry(std::optional<int> serverDelayMs);

private:
    int m_maxRetries;
    int m_retriesUsed = 0;
};

} // namespace adminchat
