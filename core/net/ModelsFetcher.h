#pragma once

#include "net/EndpointConfig.h"
#include "openai/ApiError.h"

#include <QList>
#include <QObject>
#include <QSslError>
#include <QStringList>
#include <optional>

class QNetworkAccessManager;

namespace adminchat {

// One GET {base}/models. Emits finished() exactly once, then may be deleted.
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
    QNetworkAccessManager* m_manager;
    EndpointConfig m_endpoint;
    QList<QSslError> m_sslErrors; // for the handshake's error message
};

} // namespace adminchat
