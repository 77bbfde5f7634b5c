#pragma once

#include "demo/DemoConfig.h"

#include <QObject>
#include <QThread>
#include <QUrl>

namespace adminchat {

class DemoServer;

// Runs a DemoServer on its own thread on a free loopback port, so the simulated endpoint keeps
// its timing however busy the GUI is. start() returns at once; started() or failed() follows.
class DemoServerThread : public QObject
{
    Q_OBJECT
public:
    explicit DemoServerThread(DemoConfig config, QObject* parent = nullptr);
    ~DemoServerThread() override;

    void start();
    QUrl baseUrl() const { return m_baseUrl; }

signals:
    void started(const QUrl& baseUrl);
    void failed(const QString& error);

private:
    DemoConfig m_config;
    QThread m_thread;
    DemoServer* m_server = nullptr;
    QUrl m_baseUrl;
};

} // namespace adminchat
