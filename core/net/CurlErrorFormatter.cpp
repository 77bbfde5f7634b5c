#include "net/CurlErrorFormatter.h"

#include "net/CurlTransfer.h"
#include "net/NetworkErrorFormatter.h"

#include <cerrno>
#include <cstring>

namespace adminchat {

std::optional<ApiError> CurlErrorFormatter::format(const CurlTransfer& transfer,
                                                   const EndpointConfig& endpoint,
                                                   qsizetype outputEvents)
{
    const auto code = CURLcode(transfer.result());
    if (code == CURLE_OK)
        return std::nullopt;
    const QString where = endpoint.hostPort();
    const QString progress =
        outputEvents > 0 ? QStringLiteral(" after %1 output events").arg(outputEvents) : QString();
    const QString detail = transfer.errorText();
    const int system = transfer.systemError();
    auto connection = [](const QString& message) {
        return ApiError{ApiError::Kind::Connection, message};
    };

    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
        return connection(QStringLiteral("host not found: %1").arg(transfer.url().host()));
    case CURLE_COULDNT_RESOLVE_PROXY:
        return connection(QStringLiteral("proxy host not found: %1").arg(detail));
    case CURLE_COULDNT_CONNECT:
        if (system == ECONNREFUSED)
            return connection(QStringLiteral("connection refused by %1").arg(where));
        return connection(
            QStringLiteral("cannot connect to %1: %2")
                .arg(where, system ? QString::fromLocal8Bit(std::strerror(system)) : detail));
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return connection(QStringLiteral("connection closed by %1%2").arg(where, progress));
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        if (system == ECONNRESET || system == EPIPE)
            return connection(QStringLiteral("connection closed by %1%2").arg(where, progress));
        break;
    case CURLE_SEND_FAIL_REWIND:
        // curl would have sent the request again on a new connection; the body is sent once per
        // attempt (CurlTransfer) and this is what remains of curl's hidden retry.
        return connection(
            QStringLiteral("connection to %1 lost before an answer arrived").arg(where));
    case CURLE_PEER_FAILED_VERIFICATION: {
        const TlsVerification& tls = transfer.tlsVerification();
        // OpenSSL's reason when the chain failed; curl's own check (the host name) otherwise.
        const bool chain = !tls.reason.isEmpty();
        QString message = QStringLiteral("TLS certificate of %1 not trusted: %2")
                              .arg(where, chain ? tls.reason : detail);
        const QString subject = chain ? tls.subject : tls.peerSubject;
        const QString issuer = chain ? tls.issuer : tls.peerIssuer;
        if (!subject.isEmpty())
            message += QStringLiteral(" (subject %1; issuer %2)").arg(subject, issuer);
        return ApiError{ApiError::Kind::Tls, message};
    }
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return ApiError{ApiError::Kind::Tls,
                        QStringLiteral("TLS handshake with %1 failed: %2").arg(where, detail)};
    case CURLE_OUT_OF_MEMORY:
        // curl's own bound on one header line, the only allocation a server can make it refuse.
        if (!transfer.headersComplete())
            return ApiError{ApiError::Kind::Protocol,
                            QStringLiteral("a header line from %1 is longer than %2 KiB; the "
                                           "answer was not read")
                                .arg(where)
                                .arg(CURL_MAX_HTTP_HEADER / 1024)};
        break;
    case CURLE_BAD_CONTENT_ENCODING:
        return NetworkErrorFormatter::undecodableBody(where, transfer.header("Content-Encoding"),
                                                      progress, QString());
    default:
        break;
    }
    return connection(QStringLiteral("network error with %1%2: %3").arg(where, progress, detail));
}

} // namespace adminchat
