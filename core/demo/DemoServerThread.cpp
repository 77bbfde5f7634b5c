#include "demo/DemoServerThread.h"

#include "demo/DemoServer.h"

namespace adminchat {

DemoServerThread::DemoServerThread(DemoConfig config, QObject* parent)
    : QObject(parent), m_config(std::move(config))
{
    m_thread.setObjectName(QStringLiteral("adminchat-demo"));
}

DemoServerThread::~DemoServerThread()
{
    m_thread.quit();
    m_thread.wait();
}

void DemoServerThread::start()
{
    if (m_thread.isRunning())
        return;
    m_server = new DemoServer(m_config);
    m_server->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_server, &QObject::deleteLater);
    m_thread.start();
    // listen() must run in the server's thread; the result comes back queued.
    QMetaObject::invokeMethod(m_server, [this, server = m_server] {
        const bool ok = server->listen();
        const QUrl url = server->baseUrl();
        const QString error = server->errorString();
        QMetaObject::invokeMethod(this, [this, ok, url, error] {
            if (!ok) {
                emit failed(error);
                return;
            }
            m_baseUrl = url;
            emit started(url);
        });
    });
}

} // namespace adminchat
