#include "net/ModelsFetcher.h"

#include "net/NetLog.h"
#include "net/NetworkErrorFormatter.h"
#include "net/ProxyEnvironment.h"
#include "net/RequestLog.h"
#include "openai/HttpErrorFormatter.h"
#include "openai/ModelListParser.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace adminchat {

ModelsFetcher::ModelsFetcher(QNetworkAccessManager* manager, EndpointConfig endpoint,
                             QObject* parent)
    : QObject(parent), m_manager(manager), m_endpoint(std::move(endpoint))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ModelsFetcher::onTimeout);
}

void ModelsFetcher::start()
{
    QNetworkRequest request(m_endpoint.endpointUrl(QStringLiteral("models")));
    request.setRawHeader("Accept", "application/json");
    for (const auto& [name, value] : m_endpoint.plainHeaders())
        request.setRawHeader(name, value);
    for (const auto& [name, value] : m_endpoint.credentialHeaders())
        request.setRawHeader(name, value);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    // HTTP/1.1, whose requestSent() reliably ends the connect phase the timeouts tell apart; one
    // small GET gains nothing from HTTP/2.
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    std::optional<ApiError> setupError = ProxyEnvironment::install(request.url());
    if (!setupError)
        setupError = m_endpoint.applyTls(request);
    if (setupError) {
        // Not sent; finished() still comes from the event loop, as the class promises.
        QMetaObject::invokeMethod(
            this, [this, error = *setupError] { emit finished({}, error); }, Qt::QueuedConnection);
        return;
    }
    m_redirects.emplace(request, m_endpoint, QByteArrayLiteral("GET"));
    send(request);
}

void ModelsFetcher::send(const QNetworkRequest& request)
{
    qCDebug(lcNet).noquote() << m_endpoint.scrubbed(RequestLog::describe("GET", request));
    QNetworkReply* reply = m_manager->get(request);
    reply->setParent(this);
    m_reply = reply;
    m_requestSent = false;
    armTimer();
    connect(reply, &QNetworkReply::requestSent, this, [this] {
        m_requestSent = true;
        armTimer();
    });
    connect(reply, &QNetworkReply::downloadProgress, this, &ModelsFetcher::armTimer);
#if QT_CONFIG(ssl)
    // Remembered for the message; the errors are never ignored.
    connect(reply, &QNetworkReply::sslErrors, this,
            [this](const QList<QSslError>& errors) { m_sslErrors = errors; });
#endif
    connect(reply, &QNetworkReply::metaDataChanged, this,
            [this, reply] { onMetaDataChanged(reply); });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onReplyFinished(reply); });
}

void ModelsFetcher::armTimer()
{
    const int ms = m_requestSent ? m_endpoint.idleTimeoutMs : m_endpoint.connectTimeoutMs;
    if (ms > 0)
        m_timer.start(ms);
    else
        m_timer.stop();
}

void ModelsFetcher::onTimeout()
{
    if (m_done || !m_reply)
        return;
    m_done = true;
    // Not left to Qt's transfer timeout, whose error only says "Operation canceled".
    QNetworkReply* reply = std::exchange(m_reply, nullptr);
    reply->disconnect(this);
    reply->abort();
    reply->deleteLater();
    const QString where = EndpointConfig::displayUrl(m_endpoint.baseUrl);
    const auto seconds = [](int ms) {
        return ms % 1000 == 0 ? QStringLiteral("%1 s").arg(ms / 1000)
                              : QStringLiteral("%1 ms").arg(ms);
    };
    const ApiError error =
        m_requestSent
            ? ApiError{ApiError::Kind::IdleTimeout,
                       QStringLiteral("could not list models at %1: no answer within %2 of "
                                      "sending the request (idle timeout)")
                           .arg(where, seconds(m_endpoint.idleTimeoutMs))}
            : ApiError{ApiError::Kind::ConnectTimeout,
                       QStringLiteral("could not list models at %1: no connection within %2 "
                                      "(connect timeout)")
                           .arg(where, seconds(m_endpoint.connectTimeoutMs))};
    qCInfo(lcNet).noquote() << m_endpoint.scrubbed(error.message);
    emit finished({}, ApiError{error.kind, m_endpoint.scrubbed(error.message)});
}

void ModelsFetcher::onMetaDataChanged(QNetworkReply* reply)
{
    armTimer(); // the headers are bytes of the answer too
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (m_done || !RedirectPolicy::isRedirect(status))
        return;
    // The redirect's body is not read; deleting the reply aborts it.
    reply->disconnect(this);
    reply->deleteLater();
    RedirectPolicy::Decision decision =
        m_redirects->next(reply->url(), status, reply->rawHeader("Location"));
    if (decision.error) {
        m_done = true;
        m_timer.stop();
        emit finished({}, decision.error);
        return;
    }
    qCInfo(lcNet).noquote() << "models list redirected by HTTP" << status << "to"
                            << m_endpoint.scrubbed(RequestLog::redactedUrl(decision.request.url()));
    send(decision.request);
}

void ModelsFetcher::onReplyFinished(QNetworkReply* reply)
{
    reply->deleteLater();
    if (m_done)
        return;
    m_done = true;
    m_timer.stop();
    m_reply = nullptr;
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
    if (std::optional<ApiError> error =
            NetworkErrorFormatter::format(*reply, m_endpoint, m_sslErrors)) {
        if (error->kind == ApiError::Kind::Connection ||
            error->kind == ApiError::Kind::IdleTimeout) {
            error->message = QStringLiteral("could not list models at %1: %2")
                                 .arg(where, reply->errorString()
                                                 .replace(reply->url().toString(), where)
                                                 .replace(reply->url().toDisplayString(), where));
        }
        error->message = m_endpoint.scrubbed(error->message);
        emit finished({}, error);
        return;
    }
    QString parseError;
    const QStringList models = ModelListParser::parse(body, &parseError);
    if (!parseError.isEmpty()) {
        emit finished({}, ApiError{ApiError::Kind::Protocol, parseError});
        return;
    }
    emit finished(models, std::nullopt);
}

} // namespace adminchat
