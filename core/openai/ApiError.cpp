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
    }
    return QStringLiteral("unknown");
}

} // namespace adminchat
