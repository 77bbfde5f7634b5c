#include "demo/DemoRequestParser.h"

#include <utility>

namespace adminchat {

namespace {

// RFC 9110 token characters (methods and header names).
bool isToken(const QByteArray& text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !QByteArrayView("!#$%&'*+-.^_`|~").contains(c))
            return false;
    }
    return true;
}

bool hasControlCharacters(const QByteArray& text)
{
    for (const char c : text) {
        if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f)
            return true;
    }
    return false;
}

// Comma-separated, case-insensitive token lists such as "Connection: keep-alive, Upgrade".
bool listContains(const QByteArray& list, const QByteArray& token)
{
    for (const QByteArray& item : list.split(',')) {
        if (item.trimmed().toLower() == token)
            return true;
    }
    return false;
}

QByteArray pathOf(const QByteArray& target)
{
    QByteArray path = target;
    // Absolute form ("http://host:port/path"), which proxies send.
    if (path.startsWith("http://") || path.startsWith("https://")) {
        const qsizetype slash = path.indexOf('/', path.indexOf("//") + 2);
        path = slash < 0 ? QByteArray("/") : path.mid(slash);
    }
    const qsizetype end = path.indexOf('?');
    if (end >= 0)
        path.truncate(end);
    const qsizetype fragment = path.indexOf('#');
    if (fragment >= 0)
        path.truncate(fragment);
    return path;
}

} // namespace

void DemoRequestParser::append(const QByteArray& data)
{
    m_buffer.append(data);
}

DemoRequestParser::Status DemoRequestParser::fail(int status, const QString& message)
{
    m_errorStatus = status;
    m_errorMessage = message;
    m_buffer.clear();
    return Status::Failed;
}

DemoRequestParser::Status DemoRequestParser::parse()
{
    if (m_errorStatus != 0)
        return Status::Failed;
    if (m_ready)
        return Status::Ready;

    if (!m_haveHead) {
        // Empty lines before a request line are to be ignored (RFC 9112, section 2.2).
        qsizetype skip = 0;
        while (skip < m_buffer.size() && (m_buffer[skip] == '\r' || m_buffer[skip] == '\n'))
            ++skip;
        if (skip > 0)
            m_buffer.remove(0, skip);

        // The head ends with an empty line; bare LF line ends are tolerated.
        const qsizetype crlf = m_buffer.indexOf("\n\r\n");
        const qsizetype lf = m_buffer.indexOf("\n\n");
        qsizetype end = -1;
        qsizetype separator = 0;
        if (crlf >= 0 && (lf < 0 || crlf < lf)) {
            end = crlf;
            separator = 3;
        } else if (lf >= 0) {
            end = lf;
            separator = 2;
        }
        if (end < 0) {
            if (m_buffer.size() > maxHeaderBytes)
                return fail(431, QStringLiteral("Request header fields too large"));
            return Status::NeedMore;
        }
        if (end > maxHeaderBytes)
            return fail(431, QStringLiteral("Request header fields too large"));
        const Status status = parseHead(end, separator);
        if (status != Status::NeedMore)
            return status;
    }

    if (m_buffer.size() < m_bodyLength)
        return Status::NeedMore;
    m_request.body = m_buffer.left(m_bodyLength);
    m_buffer.remove(0, m_bodyLength);
    m_ready = true;
    m_continuePending = false;
    return Status::Ready;
}

DemoRequestParser::Status DemoRequestParser::parseHead(qsizetype headLength,
                                                       qsizetype separatorLength)
{
    const QByteArray head = m_buffer.left(headLength);
    m_buffer.remove(0, headLength + separatorLength);

    QList<QByteArray> lines = head.split('\n');
    for (QByteArray& line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }

    const QList<QByteArray> parts = lines.first().split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty() ||
        hasControlCharacters(parts[1])) {
        return fail(400, QStringLiteral("Malformed request line"));
    }
    if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0") {
        if (parts[2].startsWith("HTTP/"))
            return fail(505, QStringLiteral("HTTP version not supported"));
        return fail(400, QStringLiteral("Malformed request line"));
    }

    DemoHttpRequest request;
    request.method = parts[0];
    request.target = parts[1];
    request.path = pathOf(parts[1]);
    request.minorVersion = parts[2] == "HTTP/1.1" ? 1 : 0;

    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray& line = lines[i];
        if (line.startsWith(' ') || line.startsWith('\t'))
            return fail(400, QStringLiteral("Obsolete header line folding is not accepted"));
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = colon > 0 ? line.left(colon) : QByteArray();
        if (!isToken(name))
            return fail(400, QStringLiteral("Malformed header line"));
        request.headers.append({name.toLower(), line.mid(colon + 1).trimmed()});
    }

    // Content-Length: digits only; repeated headers must agree (request smuggling guard).
    qint64 length = 0;
    bool haveLength = false;
    for (const auto& [name, value] : std::as_const(request.headers)) {
        if (name != "content-length")
            continue;
        if (value.isEmpty() || value.size() > 12 || value.contains('-') || value.contains('+'))
            return fail(value.size() > 12 ? 413 : 400, QStringLiteral("Invalid Content-Length"));
        bool ok = false;
        const qint64 parsed = value.toLongLong(&ok);
        if (!ok || (haveLength && parsed != length))
            return fail(400, QStringLiteral("Invalid Content-Length"));
        length = parsed;
        haveLength = true;
    }
    if (request.hasHeader("transfer-encoding")) {
        return fail(411, QStringLiteral("Chunked request bodies are not supported; "
                                        "send a Content-Length"));
    }
    if (length > maxBodyBytes)
        return fail(413, QStringLiteral("Request body too large (limit 16 MiB)"));

    const QByteArray connection = request.header("connection");
    request.keepAlive = request.minorVersion >= 1 ? !listContains(connection, "close")
                                                  : listContains(connection, "keep-alive");
    m_continuePending = length > 0 && request.minorVersion >= 1 &&
                        request.header("expect").toLower() == "100-continue";
    m_bodyLength = length;
    m_request = std::move(request);
    m_haveHead = true;
    return Status::NeedMore;
}

DemoHttpRequest DemoRequestParser::takeRequest()
{
    m_ready = false;
    m_haveHead = false;
    m_bodyLength = 0;
    return std::exchange(m_request, DemoHttpRequest{});
}

bool DemoRequestParser::takeContinueRequest()
{
    // Only worth sending while the body has not arrived yet.
    if (!m_continuePending || !m_haveHead || m_ready || m_buffer.size() >= m_bodyLength)
        return false;
    m_continuePending = false;
    return true;
}

} // namespace adminchat
