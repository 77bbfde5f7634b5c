#include "net/ModelsFetcher.h"

#include "net/NetLog.h"
#include "net/RequestLog.h"
#include "net/SslErrorFormatter.h"
#include "openai/HttpErrorFormatter.h"
#include "openai/ModelListParser.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace adminchat {

ModelsFetcher::ModelsFetcher(QNetworkAccessManager* manager, EndpointConfig endpoint,
                             QObject* parent)
    : QObject(parent), m_manager(manager), m_endpoint(std::move(endpoint))
{}

void ModelsFetcher::start()
{
    QNetworkRequest request(m_endpoint.endpointUrl(QStringLiteral("models")));
    request.setRawHeader("Accept", "application/json");
    for (const auto& [name, value] : m_endpoint.plainHeaders())
        request.setRawHeader(name, value);
    for (const auto& [name, value] : m_endpoint.credentialHeaders())
        request.setRawHeader(name, value);
    const int timeoutMs = m_endpoint.connectTimeoutMs + m_endpoint.idleTimeoutMs;
    if (timeoutMs > 0)
        request.setTransferTimeout(timeoutMs);
    if (const std::optional<ApiError> tlsError = m_endpoint.applyTls(request)) {
        // Not sent; finished() still comes from the event loop, as the class promises.
        QMetaObject::invokeMethod(
            this, [this, error = *tlsError] { emit finished({}, error); }, Qt::QueuedConnection);
        return;
    }

    qCDebug(lcNet).noquote() << RequestLog::describe("GET", request);
    QNetworkReply* reply = m_manager->get(request);
    reply->setParent(this);
#if QT_CONFIG(ssl)
    // Remembered for the message; the errors are never ignored.
    connect(reply, &QNetworkReply::sslErrors, this,
            [this](const QList<QSslError>& errors) { m_sslErrors = errors; });
#endif
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        const QString where = EndpointConfig::displayUrl(m_endpoint.baseUrl);
        if (status != 0 && (status < 200 || status >= 300)) {
            const QString message = HttpErrorFormatter::format(
                status, reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray(),
                reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), body);
            emit finished({}, ApiError{ApiError::Kind::Http, m_endpoint.scrubbed(message)});
            return;
        }
        if (reply->error() != QNetworkReply::NoError) {
            const ApiError::Kind kind = reply->error() == QNetworkReply::OperationCanceledError
                                            ? ApiError::Kind::IdleTimeout
                                        : reply->error() == QNetworkReply::SslHandshakeFailedError
                                            ? ApiError::Kind::Tls
                                            : ApiError::Kind::Connection;
            QString detail = reply->errorString();
            detail.replace(reply->url().toString(), where);
            detail.replace(reply->url().toDisplayString(), where);
            const QString message =
                kind == ApiError::Kind::Tls
                    ? SslErrorFormatter::format(m_endpoint.hostPort(), m_sslErrors, detail)
                    : QStringLiteral("could not list models at %1: %2").arg(where, detail);
            emit finished({}, ApiError{kind, m_endpoint.scrubbed(message)});
            return;
        }
        QString parseError;
        const QStringList models = ModelListParser::parse(body, &parseError);
        if (!parseError.isEmpty()) {
            emit finished({}, ApiError{ApiError::Kind::Protocol, parseError});
            return;
        }
        emit finished(models, std::nullopt);
    });
}

} // namespace adminchat
