#pragma once

#include <QMetaType>
#include <QString>
#include <optional>

namespace adminchat {

// What went wrong with a request, as a kind (for metrics and scripts) and one line for people.
struct ApiError
{
    enum class Kind
    {
        Http,           // non-2xx status
        Connection,     // refused, reset, DNS, closed before any answer
        Tls,            // certificate or handshake failure
        ConnectTimeout, // no connection / request not sent within the connect timeout
        IdleTimeout,    // no byte for longer than the idle timeout
        TotalTimeout,   // the whole request took longer than the total timeout
        CutOff,         // stream ended without finish_reason or [DONE]
        Stream,         // the server reported an error inside a 200 stream
        Protocol,       // malformed chunk, oversized line or event, unreadable body
        Cancelled,      // stopped by the user
        Empty,          // a complete 200 answer without content, reasoning, refusal or tool call
    };

    Kind kind = Kind::Protocol;
    QString message; // one line, never contains a secret

    // Stable snake_case name used in JSON, CSV and the database ("http", "idle_timeout", ...).
    static QString kindName(Kind kind);
    QString kindName() const { return kindName(kind); }
    // The kind a stored kindName() stands for; std::nullopt for an unknown name.
    static std::optional<Kind> kindFromName(const QString& name);
};

} // namespace adminchat

Q_DECLARE_METATYPE(adminchat::ApiError)
