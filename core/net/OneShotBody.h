#pragma once

#include <QByteArray>
#include <QIODevice>

namespace adminchat {

// A request body that can be read once and never rewound to its start. Qt's HTTP layer re-sends a
// request on its own when a connection closes before the answer (QHttpNetworkConnectionChannel's
// reconnect attempts), and each chat request may cost money. Posted with an explicit
// Content-Length and QNetworkRequest::DoNotBufferUploadDataAttribute, this body cannot be reset,
// so Qt fails the reply with ContentReSendError instead; the caller's retry policy decides, and
// counts, every attempt that reaches the server.
class OneShotBody : public QIODevice
{
    Q_OBJECT
public:
    explicit OneShotBody(QByteArray data, QObject* parent = nullptr);

    // Random access with a known size, so that Qt knows when the upload is complete; only the
    // rewind to the start that a re-send needs is refused.
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_data.size(); }
    bool seek(qint64 position) override;
    bool reset() override { return false; }

protected:
    qint64 readData(char* data, qint64 maxSize) override;
    qint64 writeData(const char*, qint64) override { return -1; }

private:
    QByteArray m_data;
    qint64 m_position = 0;
};

} // namespace adminchat
