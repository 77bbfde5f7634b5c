#pragma once

#include "net/CurlTls.h"

#include <QByteArray>
#include <QList>
#include <QNetworkProxy>
#include <QNetworkRequest>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>
#include <curl/curl.h>
#include <functional>

namespace adminchat {

class CurlMulti;

// One HTTP POST (or PUT, see setMethod()) through libcurl: the request's URL and headers, a
// body sent once, the answer's status, headers and body handed over as they arrive. Redirects
// are not followed (the caller asks RedirectPolicy); informational answers (1xx) are skipped; a
// header block over maxHeaderBytes ends the transfer at once.
//
// The body handler is called from within curl's read of the socket: curl reads no more until it
// has returned, which is the back-pressure the client relies on. It may call abort(); a new
// transfer may be started from it or from any signal. It is given when the socket was seen
// readable (CurlMulti::readyNs()): the bytes' arrival, whatever ran since, even the handling of
// an earlier HTTP chunk of the same read. A plain call, not a signal: it runs for every event of
// every stream, and a signal's dispatch cost as much as the rest of the client's work on it.
//
// The body cannot be rewound: curl's own retry of a request on a connection that died under it
// fails instead (the server sees each attempt the caller makes, and no other).
class CurlTransfer : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype maxHeaderBytes = 256 * 1024;
    // bytes: a piece of the answer's body; readyNs: QDeadlineTimer's monotonic clock, in ns.
    using BodyHandler = std::function<void(QByteArrayView bytes, qint64 readyNs)>;

    CurlTransfer(CurlMulti* multi, const QNetworkRequest& request, QByteArray body,
                 QObject* parent = nullptr);
    ~CurlTransfer() override;

    // Before start(): QNetworkProxy::NoProxy (the default) connects directly.
    void setProxy(const QNetworkProxy& proxy) { m_proxy = proxy; }
    // Before start(): e.g. "PUT", sent with the body as a POST would be.
    void setMethod(const QByteArray& method) { m_method = method; }
    // Before start(): where the body goes; without one it is read and dropped.
    void setBodyHandler(BodyHandler handler) { m_bodyHandler = std::move(handler); }
    // Trusted in addition to the system's certificate authorities.
    void setCaCertificates(const QList<QSslCertificate>& certificates);
    void start();
    // Ends the transfer now; finished() is emitted before this returns.
    void abort();

    bool isRunning() const { return m_started && !m_finished; }
    bool wasAborted() const { return m_aborted; }
    QUrl url() const { return m_url; }
    int status() const { return m_status; }
    QByteArray reasonPhrase() const { return m_reason; }
    // The last value of the named header of the final answer, empty when absent.
    QByteArray header(QByteArrayView name) const;
    bool headerBlockTooLarge() const { return m_headerBytes > maxHeaderBytes; }
    bool headersComplete() const { return m_headersDone; }

    // After finished(): curl's result (CURLcode, 0 for success), its message and the system
    // error behind it; what the certificate check saw.
    int result() const { return m_result; }
    QString errorText() const;
    int systemError() const { return m_systemError; }
    const TlsVerification& tlsVerification() const { return m_tls.verification(); }
    // What the transfer spent on the name lookup, the TCP and TLS handshakes and until the
    // first byte of the answer, from its start (curl's figures; 0 when reused or not reached).
    QString phaseTimes() const;

signals:
    void requestSent();
    void headersReceived();
    void finished();

private:
    friend class CurlMulti;

    static size_t onHeader(char* data, size_t size, size_t count, void* self);
    static size_t onBody(char* data, size_t size, size_t count, void* self);
    static size_t onRead(char* buffer, size_t size, size_t count, void* self);
    static int onSeek(void* self, curl_off_t offset, int origin);
    size_t headerLine(QByteArrayView line);
    void onDone(int result);

    CurlMulti* m_multi;
    CURL* m_easy;
    curl_slist* m_headerList = nullptr;
    QUrl m_url;
    QList<std::pair<QByteArray, QByteArray>> m_requestHeaders;
    QByteArray m_body;
    QByteArray m_method; // empty: POST
    qsizetype m_bodyOffset = 0;
    QNetworkProxy m_proxy{QNetworkProxy::NoProxy};
    CurlTls m_tls;
    QByteArray m_errorBuffer;
    BodyHandler m_bodyHandler;

    int m_status = 0;
    QByteArray m_reason;
    QList<std::pair<QByteArray, QByteArray>> m_headers; // of the answer being read
    qsizetype m_headerBytes = 0;                        // all header blocks, 1xx included
    bool m_headersDone = false;
    bool m_started = false;
    bool m_finished = false;
    bool m_aborted = false;
    bool m_sent = false;
    int m_result = 0;
    int m_systemError = 0;
};

} // namespace adminchat
