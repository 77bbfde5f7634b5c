#include "openai/ApiError.h"

namespace adminchat {

QString ApiError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Http:
        return QStringLiteral("http");
    case Kind::Connection:
        return QStringLiteral("connection");
    case Kind::Tls:
        return QStringLiteral("tls");
    case Kind::ConnectTimeout:
        return QStringLiteral("connect_timeout");
    case Kind::IdleTimeout:
        return QStringLiteral("idle_timeout");
    case Kind::TotalTimeout:
        return QStringLiteral("total_timeout");
    case Kind::CutOff:
        return QStringLiteral("cut_off");
    case Kind::Stream:
        return QStringLiteral("stream");
    case Kind::Protocol:
        return QStringLiteral("protocol");
    case Kind::Cancelled:
        return QStringLiteral("cancelled");
    case Kind::Empty:
        return QStringLiteral("empty");
    }
    return QStringLiteral("unknown");
}

std::optional<ApiError::Kind> ApiError::kindFromName(const QString& name)
{
    for (Kind kind : {Kind::Http, Kind::Connection, Kind::Tls, Kind::ConnectTimeout,
                      Kind::IdleTimeout, Kind::TotalTimeout, Kind::CutOff, Kind::Stream,
                      Kind::Protocol, Kind::Cancelled, Kind::Empty}) {
        if (kindName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

} // namespace adminchat
