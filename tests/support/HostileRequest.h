// One request as HostileServer received it.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>

struct HostileRequest
{
    QByteArray method;
    QByteArray target; // path and query, as sent
    QByteArray head;   // request line and headers
    QByteArray body;
    QHostAddress localAddress; // which of the server's addresses it reached
    quint16 localPort = 0;
    int connection = 0;    // serial number of the connection it came on, from 1
    qint64 receivedMs = 0; // when it had fully arrived, from the server's start

    // The value of the first header with this name (case-insensitive); empty when absent.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
};
