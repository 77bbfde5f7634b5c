#include "net/NetworkErrorFormatter.h"

#include "net/SslErrorFormatter.h"

#include <QNetworkReply>

namespace adminchat {

std::optional<ApiError> NetworkErrorFormatter::format(const QNetworkReply& reply,
                                                      const EndpointConfig& endpoint,
                                                      const QList<QSslError>& sslErrors,
                                                      qsizetype outputEvents)
{
    const QNetworkReply::NetworkError code = reply.error();
    if (code == QNetworkReply::NoError)
        return std::nullopt;
    const QString where = endpoint.hostPort();
    const QString progress =
        outputEvents > 0 ? QStringLiteral(" after %1 output events").arg(outputEvents) : QString();
    QString detail = reply.errorString();
    // Qt's messages may quote the full URL; keep the host only.
    detail.replace(reply.url().toString(), where);
    detail.replace(reply.url().toDisplayString(), where);

    switch (code) {
    case QNetworkReply::ConnectionRefusedError:
        return ApiError{ApiError::Kind::Connection,
                        QStringLiteral("connection refused by %1").arg(where)};
    case QNetworkReply::HostNotFoundError:
        return ApiError{ApiError::Kind::Connection,
                        QStringLiteral("host not found: %1").arg(endpoint.baseUrl.host())};
    case QNetworkReply::RemoteHostClosedError:
        return ApiError{ApiError::Kind::Connection,
                        QStringLiteral("connection closed by %1%2").arg(where, progress)};
    case QNetworkReply::ContentReSendError:
        // The request body is sent once per attempt (see ChatStream::send()): Qt reports the
        // attempt it would have made behind our back as this error instead.
        return ApiError{
            ApiError::Kind::Connection,
            QStringLiteral("connection to %1 lost before an answer arrived").arg(where)};
    case QNetworkReply::SslHandshakeFailedError:
        return ApiError{ApiError::Kind::Tls,
                        SslErrorFormatter::format(where, sslErrors, reply.errorString())};
    default:
        break;
    }
    // Qt says "Decompression failed: " with nothing after it when zlib gives no reason.
    if (detail.startsWith(QLatin1String("Decompression failed")))
        return undecodableBody(where, reply.rawHeader("Content-Encoding"), progress,
                               detail.section(QLatin1Char(':'), 1).trimmed());
    return ApiError{ApiError::Kind::Connection,
                    QStringLiteral("network error with %1%2: %3").arg(where, progress, detail)};
}

ApiError NetworkErrorFormatter::undecodableBody(const QString& where, QByteArray encoding,
                                                const QString& progress, const QString& reason)
{
    encoding = encoding.trimmed().left(40);
    for (char& c : encoding) {
        if (c < 0x21 || c > 0x7e)
            c = '?';
    }
    return ApiError{
        ApiError::Kind::Protocol,
        QStringLiteral("the body from %1 could not be decompressed (Content-Encoding: %2)%3: %4")
            .arg(where, encoding.isEmpty() ? QStringLiteral("none") : QString::fromLatin1(encoding),
                 progress,
                 reason.isEmpty() ? QStringLiteral("the compressed data is corrupt or truncated")
                                  : reason)};
}

} // namespace adminchat
