#pragma once

#include "net/EndpointConfig.h"
#include "net/RedirectPolicy.h"
#include "openai/ApiError.h"

#include <QList>
#include <QObject>
#include <QSslError>
#include <QStringList>
#include <QTimer>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;
class QNetworkRequest;

namespace adminchat {

// One GET {base}/models. Emits finished() exactly once, then may be deleted. Redirects are
// followed through RedirectPolicy (any of 301, 302, 303, 307, 308, as a GET), the key only to
// the endpoint's own origin. The connect timeout runs until the request is sent, the idle timeout
// from then on between bytes; the error names the one that fired.
class ModelsFetcher : public QObject
{
    Q_OBJECT
public:
    ModelsFetcher(QNetworkAccessManager* manager, EndpointConfig endpoint,
                  QObject* parent = nullptr);
    void start();

signals:
    void finished(const QStringList& models, const std::optional<adminchat::ApiError>& error);

private:
    void send(const QNetworkRequest& request);
    void onMetaDataChanged(QNetworkReply* reply);
    void onReplyFinished(QNetworkReply* reply);
    void armTimer(); // the connect or idle deadline, from now
    void onTimeout();

    QNetworkAccessManager* m_manager;
    EndpointConfig m_endpoint;
    std::optional<RedirectPolicy> m_redirects;
    QList<QSslError> m_sslErrors;     // for the handshake's error message
    QNetworkReply* m_reply = nullptr; // the request in flight
    QTimer m_timer;
    bool m_requestSent = false;
    bool m_done = false;
};

} // namespace adminchat
