// A small OTLP/HTTP receiver for the tests (no OTLP receiver is packaged for Debian 12): plain
// HTTP/1.1 on a loopback port, on a thread of its own so that a test may block on a child
// process meanwhile. Records every request (path, headers, body, when) and answers each with
// the next planned reply, else 200 with {}; a planned "silent" reply never answers.
#pragma once

#include "demo/DemoRequestParser.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <deque>
#include <map>
#include <memory>

struct OtlpReceived
{
    QByteArray path;
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased
    QByteArray body;
    qint64 atMs = 0; // since the receiver started

    QByteArray header(const QByteArray& lowerName) const
    {
        for (const auto& [name, value] : headers) {
            if (name == lowerName)
                return value;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

struct OtlpPlannedReply
{
    int status = 200;
    QByteArray extraHeaders; // "Name: value\r\n" lines
    QByteArray body = "{}";
    bool silent = false;
};

class OtlpTestReceiver
{
public:
    OtlpTestReceiver()
    {
        m_clock.start();
        m_server = new QTcpServer;
        m_server->listen(QHostAddress::LocalHost, 0);
        m_listenPort = m_server->serverPort();
        QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] { accept(); });
        m_server->moveToThread(&m_thread);
        m_thread.start();
    }
    ~OtlpTestReceiver()
    {
        // On its own thread, with its connections (its children), before that thread ends.
        QMetaObject::invokeMethod(
            m_server, [this] { delete m_server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_listenPort); }

    // The next answer to a request for this path (e.g. "/v1/traces").
    void plan(const QByteArray& path, const OtlpPlannedReply& reply)
    {
        const QMutexLocker lock(&m_mutex);
        m_planned[path].push_back(reply);
    }
    QList<OtlpReceived> received() const
    {
        const QMutexLocker lock(&m_mutex);
        return m_received;
    }
    QList<OtlpReceived> received(const QByteArray& path) const
    {
        QList<OtlpReceived> out;
        for (const OtlpReceived& one : received()) {
            if (one.path == path)
                out.append(one);
        }
        return out;
    }
    int count(const QByteArray& path) const { return int(received(path).size()); }

private:
    void accept() // on the receiver's thread
    {
        while (QTcpSocket* socket = m_server->nextPendingConnection()) {
            auto parser = std::make_shared<adminchat::DemoRequestParser>();
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, parser] {
                parser->append(socket->readAll());
                while (parser->parse() == adminchat::DemoRequestParser::Status::Ready)
                    answer(socket, parser->takeRequest());
            });
        }
    }

    void answer(QTcpSocket* socket, const adminchat::DemoHttpRequest& request)
    {
        OtlpPlannedReply reply;
        {
            const QMutexLocker lock(&m_mutex);
            m_received.append({request.path, request.headers, request.body, m_clock.elapsed()});
            std::deque<OtlpPlannedReply>& planned = m_planned[request.path];
            if (!planned.empty()) {
                reply = planned.front();
                planned.pop_front();
            }
        }
        if (reply.silent)
            return;
        socket->write("HTTP/1.1 " + QByteArray::number(reply.status) +
                      " Planned\r\nContent-Type: application/json\r\nContent-Length: " +
                      QByteArray::number(reply.body.size()) + "\r\n" + reply.extraHeaders + "\r\n" +
                      reply.body);
    }

    QElapsedTimer m_clock;
    QThread m_thread;
    QTcpServer* m_server;
    quint16 m_listenPort = 0;
    mutable QMutex m_mutex;
    QList<OtlpReceived> m_received;
    std::map<QByteArray, std::deque<OtlpPlannedReply>> m_planned;
};
