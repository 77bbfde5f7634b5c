#pragma once

#include "endpoints/EndpointProfile.h"
#include "net/ModelsFetcher.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

namespace adminchat {

// "Test connection" of the profile editor: one GET {base}/models with the profile's settings,
// answered by "N models · round trip X ms" or the request's one-line error.
class ProfileConnectionTester : public QObject
{
    Q_OBJECT
public:
    explicit ProfileConnectionTester(QNetworkAccessManager* network, QObject* parent = nullptr);

    // Replaces a test still running (its answer is dropped).
    void start(const EndpointProfile& profile, const QString& apiKey);
    void cancel();
    bool isRunning() const { return m_fetcher != nullptr; }

signals:
    void finished(bool ok, const QString& summary, const QStringList& models);

private:
    QNetworkAccessManager* m_network;
    QPointer<ModelsFetcher> m_fetcher;
};

} // namespace adminchat
