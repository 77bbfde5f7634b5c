#include "net/EndpointConfig.h"

#include "net/NetLog.h"
#include "net/RequestLog.h"

#include <QFile>
#include <QNetworkRequest>
#include <QUrlQuery>
#include <algorithm>
#if QT_CONFIG(ssl)
#include <QSslCertificate>
#include <QSslConfiguration>
#endif

namespace adminchat {

namespace {

// RFC 9110 token characters, the only ones allowed in a header name.
bool isTokenChar(char16_t c)
{
    if (c > 0x7f)
        return false;
    const char ch = char(c);
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           QByteArrayView("!#$%&'*+-.^_`|~").contains(ch);
}

bool isControl(char32_t c)
{
    return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029;
}

// Whether a header may go on the wire as it is; the last guard before the transport.
bool sendable(const QByteArray& name, const QByteArray& value)
{
    if (!EndpointConfig::headerNameError(QString::fromLatin1(name)).isEmpty())
        return false;
    return EndpointConfig::controlCharacterError(QString::fromUtf8(value), QString()).isEmpty();
}

} // namespace

bool EndpointConfig::isForbiddenHeader(QByteArrayView name)
{
    const QByteArray lower = name.toByteArray().toLower();
    static const QByteArrayList forbidden{
        "content-length", "transfer-encoding", "host", "connection",
        "keep-alive",     "upgrade",           "te",   "trailer"};
    return forbidden.contains(lower) || lower.startsWith("proxy-");
}

bool EndpointConfig::isCredentialHeader(QByteArrayView name)
{
    return RequestLog::looksLikeCredential(name);
}

QString EndpointConfig::headerNameError(const QString& name)
{
    if (name.isEmpty())
        return QStringLiteral("a header has an empty name (expected NAME:VALUE)");
    for (const QChar c : name) {
        if (!isTokenChar(c.unicode())) {
            QString shown = name.left(40);
            for (QChar& s : shown) {
                if (!s.isPrint())
                    s = QLatin1Char('?');
            }
            return QStringLiteral("the header name \"%1\" contains '%2', which is not allowed "
                                  "in a header name")
                .arg(shown, c.isPrint() ? QString(c) : QStringLiteral("?"));
        }
    }
    if (isForbiddenHeader(name.toLatin1()))
        return QStringLiteral("the header %1 cannot be set: the HTTP stack sets it, and another "
                              "value would change how the request is framed or forwarded")
            .arg(name);
    return {};
}

QString EndpointConfig::controlCharacterError(QStringView text, const QString& what)
{
    for (const char32_t c : text.toUcs4()) {
        if (!isControl(c))
            continue;
        const QString which = c == U'\r' || c == U'\n' || c == 0x2028 || c == 0x2029
                                  ? QStringLiteral("a line break")
                              : c == 0     ? QStringLiteral("a NUL character")
                              : c == U'\t' ? QStringLiteral("a tab")
                                           : QStringLiteral("a control character (U+%1)")
                                                 .arg(QString::number(uint(c), 16)
                                                          .rightJustified(4, QLatin1Char('0'))
                                                          .toUpper());
        return QStringLiteral("%1 contains %2, which cannot be sent in a header").arg(what, which);
    }
    return {};
}

std::optional<QUrl> EndpointConfig::parseBaseUrl(const QString& typed, QString* error,
                                                 const QString& source)
{
    const auto fail = [error, &source](const QString& message) {
        if (error)
            *error = QStringLiteral("invalid base URL%1: %2")
                         .arg(source.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(source),
                              message);
        return std::nullopt;
    };
    const QString text = typed.trimmed();
    if (text.isEmpty())
        return fail(QStringLiteral("it is empty"));
    if (!controlCharacterError(text, {}).isEmpty())
        return fail(QStringLiteral("it contains a line break or another control character"));
    qsizetype schemeEnd = text.indexOf(QStringLiteral("://"));
    const QString full = schemeEnd < 0 ? QStringLiteral("http://") + text : text;
    schemeEnd = full.indexOf(QStringLiteral("://"));
    const QString scheme = full.left(schemeEnd).toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return fail(QStringLiteral("unsupported scheme \"%1\" (expected http:// or https://)")
                        .arg(scheme.left(20)));
    // The authority: up to the path, query or fragment; user info before the last '@'.
    const qsizetype start = schemeEnd + 3;
    qsizetype end = start;
    while (end < full.size() && full[end] != QLatin1Char('/') && full[end] != QLatin1Char('?') &&
           full[end] != QLatin1Char('#'))
        ++end;
    QString authority = full.mid(start, end - start);
    authority = authority.mid(authority.lastIndexOf(QLatin1Char('@')) + 1);
    QString host = authority, port;
    if (authority.startsWith(QLatin1Char('['))) { // [IPv6]:port
        const qsizetype close = authority.indexOf(QLatin1Char(']'));
        if (close < 0)
            return fail(QStringLiteral("the IPv6 address has no closing ']'"));
        host = authority.mid(1, close - 1);
        const QString rest = authority.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(QLatin1Char(':')))
            return fail(QStringLiteral("text after the IPv6 address"));
        port = rest.mid(1);
        if (rest.startsWith(QLatin1Char(':')) && port.isEmpty())
            return fail(QStringLiteral("empty port after ':'"));
    } else if (const qsizetype colon = authority.lastIndexOf(QLatin1Char(':')); colon >= 0) {
        host = authority.left(colon);
        port = authority.mid(colon + 1);
        if (port.isEmpty())
            return fail(QStringLiteral("empty port after ':'"));
    }
    if (host.isEmpty())
        return fail(QStringLiteral("no host (expected %1://HOST[:PORT][/v1])").arg(scheme));
    if (!port.isEmpty()) {
        bool digits = port.size() <= 10;
        for (const QChar c : port)
            digits = digits && c.isDigit() && c.unicode() < 0x80;
        if (!digits)
            return fail(QStringLiteral("port \"%1\" is not a number").arg(port.left(20)));
        const qint64 number = port.toLongLong();
        if (number < 1 || number > 65535)
            return fail(QStringLiteral("port %1 is out of range (1 to 65535)").arg(port.left(20)));
    }
    const QUrl url(full, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()) {
        // Qt's message quotes the whole URL, query included: only its first part is kept.
        const QString reason = url.errorString().section(QLatin1Char(';'), 0, 0).trimmed();
        return fail(QStringLiteral("%1").arg(
            reason.isEmpty() ? QStringLiteral("host %1").arg(host.left(60)) : reason));
    }
    return normalizeBaseUrl(url);
}

QUrl EndpointConfig::normalizeBaseUrl(const QUrl& url)
{
    QUrl result = url;
    QString path = result.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    for (const QString& suffix : {QStringLiteral("/chat/completions"), QStringLiteral("/models")}) {
        if (path.endsWith(suffix)) {
            path.chop(suffix.size());
            break;
        }
    }
    if (path.isEmpty())
        path = QStringLiteral("/v1");
    result.setPath(path);
    result.setFragment(QString());
    if (result.query().isEmpty())
        result.setQuery(QString()); // a bare '?'

    return result;
}

QString EndpointConfig::displayUrl(const QUrl& url)
{
    return url
        .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment |
                  QUrl::StripTrailingSlash)
        .toString();
}

QUrl EndpointConfig::endpointUrl(const QString& path) const
{
    QUrl url = baseUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + QLatin1Char('/') + path);
    return url;
}

bool EndpointConfig::isSecret(QByteArrayView name) const
{
    return isCredentialHeader(name) || name.compare(keyHeader, Qt::CaseInsensitive) == 0 ||
           std::any_of(secretHeaders.cbegin(), secretHeaders.cend(), [&](const QByteArray& s) {
               return s.compare(name, Qt::CaseInsensitive) == 0;
           });
}

EndpointConfig::Headers EndpointConfig::credentialHeaders() const
{
    Headers headers;
    const QString key = apiKey.trimmed();
    if (!key.isEmpty()) {
        // Checked where the key came from, with a message naming the place; this is the guard
        // against a path that forgot: a line break in the key would add headers of its own.
        const bool bearer =
            keyHeader.isEmpty() || keyHeader.compare(bearerHeader, Qt::CaseInsensitive) == 0;
        if (!controlCharacterError(key, {}).isEmpty())
            qCWarning(lcNet) << "the API key contains a control character; not sent";
        else if (bearer)
            headers.append({bearerHeader, "Bearer " + key.toUtf8()});
        else if (headerNameError(QString::fromLatin1(keyHeader)).isEmpty())
            headers.append({keyHeader, key.toUtf8()});
        else
            qCWarning(lcNet) << "the API key contains a control character; not sent";
    }
    for (const auto& [name, value] : extraHeaders) {
        if (!isSecret(name))
            continue;
        if (sendable(name, value))
            headers.append({name, value});
        else
            qCWarning(lcNet).noquote() << "header" << name << "is not valid; not sent";
    }
    // Whatever the names, request logs redact these values (RequestLog::isSecretHeader).
    for (const auto& header : std::as_const(headers))
        RequestLog::addSecretHeaderName(header.first);
    return headers;
}

EndpointConfig::Headers EndpointConfig::plainHeaders() const
{
    Headers headers;
    for (const auto& [name, value] : extraHeaders) {
        if (isSecret(name)) // each extra header is in exactly one of the two lists
            continue;
        if (sendable(name, value))
            headers.append({name, value});
        else
            qCWarning(lcNet).noquote() << "header" << name << "is not valid; not sent";
    }
    return headers;
}

QString EndpointConfig::hostPort() const
{
    const bool encrypted =
        baseUrl.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    return QStringLiteral("%1:%2").arg(baseUrl.host()).arg(baseUrl.port(encrypted ? 443 : 80));
}

QString EndpointConfig::scrubbed(QString text) const
{
    const QString mask = QStringLiteral("***");
    QStringList secrets{apiKey, baseUrl.password(QUrl::FullyDecoded),
                        baseUrl.password(QUrl::FullyEncoded), baseUrl.query(QUrl::FullyEncoded),
                        baseUrl.query(QUrl::FullyDecoded)};
    const QUrlQuery query(baseUrl);
    for (const auto& [name, value] : query.queryItems(QUrl::FullyDecoded))
        secrets << value;
    for (const auto& [name, value] : query.queryItems(QUrl::FullyEncoded))
        secrets << value;
    // Longest first, so that a value inside a longer one does not leave the rest behind.
    std::sort(secrets.begin(), secrets.end(),
              [](const QString& a, const QString& b) { return a.size() > b.size(); });
    for (const QString& secret : std::as_const(secrets)) {
        // Very short values ("1", "v1") are not secrets and would mangle the message.
        if (secret.size() >= 4)
            text.replace(secret, mask);
    }
    return text;
}

std::optional<ApiError> EndpointConfig::applyTls(QNetworkRequest& request) const
{
    QList<QSslCertificate> certificates;
    if (std::optional<ApiError> error = loadCaCertificates(certificates))
        return error;
    if (certificates.isEmpty())
        return std::nullopt;
#if QT_CONFIG(ssl)
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.addCaCertificates(certificates);
    request.setSslConfiguration(tls);
#else
    Q_UNUSED(request)
#endif
    return std::nullopt;
}

std::optional<ApiError>
EndpointConfig::loadCaCertificates(QList<QSslCertificate>& certificates) const
{
    certificates.clear();
    if (caFile.isEmpty())
        return std::nullopt;
#if QT_CONFIG(ssl)
    QFile file(caFile);
    if (!file.open(QIODevice::ReadOnly)) {
        return ApiError{
            ApiError::Kind::Tls,
            QStringLiteral("cannot read the CA file %1: %2").arg(caFile, file.errorString())};
    }
    // At most a few certificates; a bigger file is not a CA bundle worth reading whole.
    constexpr qint64 maxBytes = 16 * 1024 * 1024;
    certificates = QSslCertificate::fromData(file.read(maxBytes), QSsl::Pem);
    if (certificates.isEmpty()) {
        return ApiError{ApiError::Kind::Tls,
                        QStringLiteral("the CA file %1 holds no PEM certificate").arg(caFile)};
    }
    return std::nullopt;
#else
    return ApiError{
        ApiError::Kind::Tls,
        QStringLiteral("cannot use the CA file %1: this build has no TLS support").arg(caFile)};
#endif
}

} // namespace adminchat
