#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace adminchat {

// Faults the demo endpoint can inject, so every failure path of the client can be exercised.
enum class DemoFault
{
    Http500,             // 500 with an OpenAI-style JSON error body
    Http429,             // 429 with Retry-After: 1 and retry-after-ms: 1000
    Html502,             // 502 with an HTML page, as a reverse proxy sends
    Reset,               // a few tokens, then the TCP connection is reset
    Stall,               // a few tokens, then silence with the connection left open
    ErrorAfter200,       // a few tokens, then data: {"error": {...}} inside the 200 stream
    CutOff,              // a few tokens, then a clean end of body without finish_reason or [DONE]
    MalformedChunk,      // a few tokens, then a data line that is not valid JSON
    IgnoreStream,        // answers stream: true with one JSON chat.completion
    RejectStreamOptions, // 400 to a body with stream_options, as some servers do; others as usual
    // The first attempt of a request gets the 500 above; a repeat of the same body is served
    // normally (then forgotten), so a client's retry can be seen to succeed.
    Http500Once,
    // As Http500Once, with a 429 carrying retry-after-ms: 200 and Retry-After: 1.
    Http429Once,
    // A few tokens, then a chunk header announcing more bytes than follow, then a FIN.
    TruncatedChunked,
    // A few tokens, then one data: line of 64 MiB without a line end, then a FIN: tests a
    // client's line limit. Generated as the socket drains, so the server never holds it.
    HugeLine,
    // A normal answer written one byte at a time, so the client sees every possible split.
    Trickle,
    // Content events as fast as the client reads them, forever, until the client leaves.
    Endless,
    // A 200 text/event-stream answer whose body is a few MiB of seeded random bytes, then a FIN.
    Garbage,
};

// Settings of the built-in demo endpoint. A latency profile sets the time to first token and
// the per-token delay; both are drawn from a seeded distribution so runs are reproducible.
struct DemoConfig
{
    QString profile = QStringLiteral("realistic");
    double ttftMedianMs = 350; // log-normal median
    double ttftSigma = 0.5;    // log-normal shape (0: fixed)
    double tokenDelayMs = 25;  // mean delay between tokens
    double tokenJitterMs = 8;  // standard deviation of the per-token delay (0: fixed)
    double faultRate = 0;      // share of requests that get one of faults (0..1)
    QList<DemoFault> faults;   // drawn from when a request is picked for a fault
    quint64 seed = 42;
    QString requiredApiKey; // when set, other keys get 401
    // Delay before the server first reads from a new connection, as a slow TCP + TLS handshake
    // delays the first request on a fresh connection; kept-alive connections do not pay it.
    double handshakeDelayMs = 0;
    // The "model" the answers name; empty: the requested one. A gateway that routes to another
    // model than asked looks like this.
    QString answerModel;

    // Upper bound of a configured delay, as for the X-Demo-Latency header.
    static constexpr double maxDelayMs = 600000;

    // "instant" (no delays), "realistic" (TTFT ~350 ms, ~25 ms/token), "slow" (TTFT ~2.5 s,
    // ~90 ms/token), "fixed" (TTFT 100 ms, 20 ms/token, no randomness: for load tests).
    // Unknown names give std::nullopt and a one-line *error.
    static std::optional<DemoConfig> fromProfile(const QString& name, QString* error = nullptr);
    static QStringList profileNames();

    // Make the time to first token or the per-token delay exactly ms, without random spread,
    // whatever the profile said.
    void setFixedTtft(double ms);
    void setFixedTokenDelay(double ms);
    // "TTFT ~350 ms, ~25 ms/token" or, when fixed, "TTFT 50 ms, 10 ms/token" (for log lines).
    QString timingDescription() const;

    // "500", "429", "html502", "reset", "stall", "error-after-200", "cut-off", "malformed",
    // "ignore-stream", "reject-stream-options", "500-once", "429-once", "truncated-chunked",
    // "huge-line", "trickle", "endless", "garbage".
    static std::optional<DemoFault> faultFromName(const QString& name);
    static QString faultName(DemoFault fault);
    static QStringList faultNames();
};

} // namespace adminchat
