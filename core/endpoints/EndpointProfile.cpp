#include "endpoints/EndpointProfile.h"

#include "endpoints/KeyStore.h"

#include <QHostAddress>

namespace adminchat {

namespace {

// RFC 9110 token characters, the only ones allowed in a header name.
bool isTokenChar(QChar c)
{
    if (c.unicode() > 0x7f)
        return false;
    const char ch = char(c.unicode());
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           QByteArrayView("!#$%&'*+-.^_`|~").contains(ch);
}

QString quoted(const QString& text)
{
    constexpr qsizetype maxShown = 40;
    QString shown = text.size() > maxShown ? text.left(maxShown) + QStringLiteral("...") : text;
    for (QChar& c : shown) {
        if (c.category() == QChar::Other_Control)
            c = QChar(0xfffd);
    }
    return QLatin1Char('"') + shown + QLatin1Char('"');
}

} // namespace

EndpointConfig EndpointProfile::toConfig(const QString& apiKey) const
{
    EndpointConfig config;
    config.baseUrl = baseUrl;
    config.apiKey = apiKey;
    config.extraHeaders = extraHeaders;
    config.connectTimeoutMs = connectTimeoutMs;
    config.idleTimeoutMs = idleTimeoutMs;
    config.totalTimeoutMs = totalTimeoutMs;
    config.maxRetries = maxRetries;
    config.caFile = caFile;
    config.sendStreamOptions = sendStreamOptions;
    config.sendPrediction = sendPrediction;
    return config;
}

QString EndpointProfile::nameError(const QString& name)
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("the profile name is empty");
    if (name.size() > maxNameLength)
        return QStringLiteral("the profile name is longer than %1 characters").arg(maxNameLength);
    if (name.compare(demoName, Qt::CaseInsensitive) == 0 ||
        name.compare(environmentName, Qt::CaseInsensitive) == 0)
        return QStringLiteral("\"%1\" is a built-in profile; choose another name").arg(name);
    if (name != name.trimmed())
        return QStringLiteral("the profile name %1 starts or ends with a space").arg(quoted(name));
    for (const QChar c : name) {
        if (c == QLatin1Char('/') || c == QLatin1Char('\\'))
            return QStringLiteral("the profile name %1 contains '%2'").arg(quoted(name), c);
        if (c.category() == QChar::Other_Control || c == QChar::LineSeparator ||
            c == QChar::ParagraphSeparator)
            return QStringLiteral("the profile name %1 contains a control character")
                .arg(quoted(name));
    }
    return {};
}

std::optional<QPair<QByteArray, QByteArray>> EndpointProfile::parseHeader(const QString& text,
                                                                          QString* error)
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (text.contains(QLatin1Char('\r')) || text.contains(QLatin1Char('\n')))
        return fail(QStringLiteral("the header %1 contains a line break").arg(quoted(text)));
    if (text.contains(QChar(0)))
        return fail(QStringLiteral("the header %1 contains a NUL character").arg(quoted(text)));
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return fail(
            QStringLiteral("the header %1 has no ':' (expected NAME:VALUE)").arg(quoted(text)));
    const QString name = text.left(colon).trimmed();
    const QString value = text.mid(colon + 1).trimmed();
    if (name.isEmpty())
        return fail(QStringLiteral("the header %1 has an empty name (expected NAME:VALUE)")
                        .arg(quoted(text)));
    for (const QChar c : name) {
        if (!isTokenChar(c))
            return fail(QStringLiteral("the header name %1 contains '%2', which is not allowed "
                                       "in a header name")
                            .arg(quoted(name), c.isPrint() ? QString(c) : QStringLiteral("?")));
    }
    return QPair<QByteArray, QByteArray>{name.toLatin1(), value.toUtf8()};
}

bool EndpointProfile::isInsecureRemote(const QUrl& baseUrl)
{
    if (baseUrl.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) != 0)
        return false;
    const QString host = baseUrl.host();
    if (host.isEmpty())
        return false; // no host: not a usable URL, and nothing crosses the network
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 ||
        host.compare(QLatin1String("localhost."), Qt::CaseInsensitive) == 0)
        return false;
    const QHostAddress address(host);
    // isLoopback() covers 127.0.0.0/8, ::1 and IPv4-mapped ::ffff:127.x.y.z.
    return address.isNull() || !address.isLoopback();
}

std::optional<EndpointProfile> EndpointProfile::fromEnvironment()
{
    const QString base = qEnvironmentVariable("OPENAI_BASE_URL").trimmed();
    if (base.isEmpty())
        return std::nullopt;
    const QUrl url = QUrl::fromUserInput(base);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return std::nullopt;
    EndpointProfile profile;
    profile.kind = Kind::Environment;
    profile.name = environmentName;
    profile.baseUrl = EndpointConfig::normalizeBaseUrl(url);
    return profile;
}

QString EndpointProfile::headerText(const QPair<QByteArray, QByteArray>& header)
{
    return QString::fromLatin1(header.first) + QStringLiteral(": ") +
           QString::fromUtf8(header.second);
}

QString EndpointProfile::baseUrlError(const QUrl& url)
{
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return QStringLiteral("invalid base URL \"%1\": expected http(s)://host[:port][/v1]")
            .arg(EndpointConfig::displayUrl(url));
    if (!url.userInfo().isEmpty())
        return QStringLiteral("the base URL carries a user name or password; keys belong in "
                              "the keychain (--api-key-stdin), not in the URL");
    if (url.hasQuery())
        return QStringLiteral("the base URL has a query (\"?...\"); give the base URL only");
    return {};
}

QString EndpointProfile::keySource() const
{
    if (kind == Kind::Environment)
        return qEnvironmentVariableIsEmpty("OPENAI_API_KEY") ? QStringLiteral("none")
                                                             : QStringLiteral("env");
    if (kind == Kind::Demo)
        return QStringLiteral("none");
    if (KeyStore::keyFromEnvironment(name))
        return QStringLiteral("env");
    return hasKey ? QStringLiteral("keychain") : QStringLiteral("none");
}

} // namespace adminchat
