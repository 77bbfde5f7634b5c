#include "net/CurlTransfer.h"

#include "net/CurlMulti.h"
#include "net/Preconnector.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <cerrno>
#include <cstring>

namespace adminchat {

namespace {

// Big enough that a fast stream needs few callbacks, small enough to be what a stalled reader
// holds besides the kernel's socket buffer.
constexpr long kReceiveBufferBytes = 64 * 1024;

QByteArray proxyUrl(const QNetworkProxy& proxy)
{
    QUrl url;
    url.setScheme(proxy.type() == QNetworkProxy::Socks5Proxy ? QStringLiteral("socks5h")
                                                             : QStringLiteral("http"));
    url.setHost(proxy.hostName());
    url.setPort(proxy.port());
    return url.toEncoded();
}

// curl's built-in certificate authorities, unless the place it was built to read them from is
// missing (a system without ca-certificates): curl would then refuse every handshake, even with
// the profile's own CA file, where Qt and OpenSSL go on with the authorities they have.
void useSystemAuthorities(CURL* easy)
{
    static const auto missing = [] {
        const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
        const bool noFile =
            info->cainfo && !QFileInfo(QString::fromLocal8Bit(info->cainfo)).isFile();
        const bool noDir = info->capath && !QFileInfo(QString::fromLocal8Bit(info->capath)).isDir();
        return std::pair{noFile, noDir};
    }();
    if (missing.first)
        curl_easy_setopt(easy, CURLOPT_CAINFO, nullptr);
    if (missing.second)
        curl_easy_setopt(easy, CURLOPT_CAPATH, nullptr);
}

} // namespace

CurlTransfer::CurlTransfer(CurlMulti* multi, const QNetworkRequest& request, QByteArray body,
                           QObject* parent)
    : QObject(parent), m_multi(multi), m_easy(curl_easy_init()), m_url(request.url()),
      m_body(std::move(body)), m_errorBuffer(CURL_ERROR_SIZE, '\0')
{
    for (const QByteArray& name : request.rawHeaderList())
        m_requestHeaders.append({name, request.rawHeader(name)});
}

CurlTransfer::~CurlTransfer()
{
    if (m_multi && m_started && !m_finished)
        m_multi->remove(this);
    curl_easy_cleanup(m_easy);
    curl_slist_free_all(m_headerList);
}

void CurlTransfer::setCaCertificates(const QList<QSslCertificate>& certificates)
{
    QList<QByteArray> der;
    for (const QSslCertificate& certificate : certificates)
        der.append(certificate.toDer());
    m_tls.setCaCertificates(std::move(der));
}

void CurlTransfer::start()
{
    CURL* easy = m_easy;
    curl_easy_setopt(easy, CURLOPT_PRIVATE, this);
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, m_errorBuffer.data());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_URL, m_url.toEncoded().constData());
    curl_easy_setopt(easy, CURLOPT_BUFFERSIZE, kReceiveBufferBytes);
    curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "gzip, deflate");

    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(m_body.size()));
    if (!m_method.isEmpty())
        curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, m_method.constData());
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &CurlTransfer::onRead);
    curl_easy_setopt(easy, CURLOPT_READDATA, this);
    curl_easy_setopt(easy, CURLOPT_SEEKFUNCTION, &CurlTransfer::onSeek);
    curl_easy_setopt(easy, CURLOPT_SEEKDATA, this);

    for (const auto& [name, value] : std::as_const(m_requestHeaders)) {
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            continue; // curl sends the body's own length
        m_headerList = curl_slist_append(m_headerList, (name + ": " + value).constData());
    }
    // No "Expect: 100-continue" round trip before a large body.
    m_headerList = curl_slist_append(m_headerList, "Expect:");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, m_headerList);

    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &CurlTransfer::onHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, this);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &CurlTransfer::onBody);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, this);

    // The caller decided on the proxy (ProxyEnvironment); curl must not read the environment
    // again by its own rules.
    if (m_proxy.type() == QNetworkProxy::NoProxy) {
        curl_easy_setopt(easy, CURLOPT_PROXY, "");
        m_multi->preconnector()->install(easy);
    } else {
        curl_easy_setopt(easy, CURLOPT_PROXY, proxyUrl(m_proxy).constData());
        if (!m_proxy.user().isEmpty()) {
            curl_easy_setopt(easy, CURLOPT_PROXYUSERNAME, m_proxy.user().toUtf8().constData());
            curl_easy_setopt(easy, CURLOPT_PROXYPASSWORD, m_proxy.password().toUtf8().constData());
        }
        curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
    }
    useSystemAuthorities(easy);
    m_tls.install(easy);

    m_started = true;
    m_multi->add(this);
}

void CurlTransfer::abort()
{
    if (m_finished)
        return;
    m_aborted = true;
    m_finished = true;
    if (m_multi && m_started)
        m_multi->remove(this);
    emit finished();
}

QByteArray CurlTransfer::header(QByteArrayView name) const
{
    for (auto it = m_headers.crbegin(); it != m_headers.crend(); ++it) {
        if (QByteArrayView(it->first).compare(name, Qt::CaseInsensitive) == 0)
            return it->second;
    }
    return {};
}

QString CurlTransfer::errorText() const
{
    const QString text = QString::fromUtf8(m_errorBuffer.constData()).simplified();
    if (!text.isEmpty())
        return text;
    return QString::fromUtf8(curl_easy_strerror(CURLcode(m_result)));
}

QString CurlTransfer::phaseTimes() const
{
    auto ms = [this](CURLINFO info) {
        curl_off_t us = 0;
        curl_easy_getinfo(m_easy, info, &us);
        return QString::number(double(us) / 1000.0, 'f', 1);
    };
    return QStringLiteral("dns %1 ms, connect %2 ms, tls %3 ms, first byte %4 ms")
        .arg(ms(CURLINFO_NAMELOOKUP_TIME_T), ms(CURLINFO_CONNECT_TIME_T),
             ms(CURLINFO_APPCONNECT_TIME_T), ms(CURLINFO_STARTTRANSFER_TIME_T));
}

size_t CurlTransfer::onHeader(char* data, size_t size, size_t count, void* self)
{
    return static_cast<CurlTransfer*>(self)->headerLine(
        QByteArrayView(data, qsizetype(size * count)));
}

size_t CurlTransfer::headerLine(QByteArrayView line)
{
    if (m_aborted)
        return 0;
    m_headerBytes += line.size();
    if (headerBlockTooLarge())
        return 0; // curl ends the transfer with a write error; the caller asks why
    if (m_headersDone)
        return line.size(); // trailers of a chunked body: not part of the answer's headers
    const QByteArrayView text = line.trimmed();
    if (text.startsWith("HTTP/")) {
        // A new status line: the answer starts over after an informational one.
        // "HTTP/1.1 200 OK", "HTTP/2 200": the version, the status, the rest is the reason.
        const QByteArray statusLine = text.toByteArray();
        const qsizetype first = statusLine.indexOf(' ');
        const qsizetype second = first < 0 ? -1 : statusLine.indexOf(' ', first + 1);
        m_status =
            first < 0 ? 0 : statusLine.mid(first + 1, second < 0 ? -1 : second - first - 1).toInt();
        m_reason = second < 0 ? QByteArray() : statusLine.mid(second + 1).trimmed();
        m_headers.clear();
    } else if (text.isEmpty()) {
        if (m_status >= 200) {
            m_headersDone = true;
            emit headersReceived();
        }
    } else if ((line.startsWith(' ') || line.startsWith('\t')) && !m_headers.isEmpty()) {
        m_headers.last().second += ' ' + text.toByteArray(); // an obsolete folded line
    } else if (const qsizetype colon = text.indexOf(':'); colon > 0) {
        m_headers.append({text.first(colon).trimmed().toByteArray(),
                          text.sliced(colon + 1).trimmed().toByteArray()});
    }
    return m_aborted ? 0 : line.size();
}

size_t CurlTransfer::onBody(char* data, size_t size, size_t count, void* self)
{
    auto* transfer = static_cast<CurlTransfer*>(self);
    if (transfer->m_aborted)
        return 0;
    const size_t bytes = size * count;
    if (!transfer->m_bodyHandler)
        return bytes;
    qint64 readyNs = transfer->m_multi ? transfer->m_multi->readyNs() : 0;
    if (readyNs == 0)
        readyNs = QDeadlineTimer::current(Qt::PreciseTimer).deadlineNSecs();
    transfer->m_bodyHandler(QByteArrayView(data, qsizetype(bytes)), readyNs);
    return transfer->m_aborted ? 0 : bytes;
}

size_t CurlTransfer::onRead(char* buffer, size_t size, size_t count, void* self)
{
    auto* transfer = static_cast<CurlTransfer*>(self);
    if (transfer->m_aborted)
        return CURL_READFUNC_ABORT;
    const qsizetype bytes = std::min<qsizetype>(qsizetype(size * count),
                                                transfer->m_body.size() - transfer->m_bodyOffset);
    std::memcpy(buffer, transfer->m_body.constData() + transfer->m_bodyOffset, size_t(bytes));
    transfer->m_bodyOffset += bytes;
    if (transfer->m_bodyOffset == transfer->m_body.size() && !transfer->m_sent) {
        transfer->m_sent = true;
        emit transfer->requestSent();
    }
    return size_t(bytes);
}

int CurlTransfer::onSeek(void* self, curl_off_t offset, int origin)
{
    // Only the rewind to a start not yet left; see the class comment.
    const auto* transfer = static_cast<CurlTransfer*>(self);
    if (origin == SEEK_SET && offset == 0 && transfer->m_bodyOffset == 0)
        return CURL_SEEKFUNC_OK;
    return CURL_SEEKFUNC_CANTSEEK;
}

void CurlTransfer::onDone(int result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_result = result;
    long systemError = 0;
    curl_easy_getinfo(m_easy, CURLINFO_OS_ERRNO, &systemError);
    m_systemError = int(systemError);
    emit finished();
}

} // namespace adminchat
