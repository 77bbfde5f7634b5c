#include "endpoints/EndpointProfile.h"

#include "endpoints/KeyStore.h"
#include "net/EndpointIdentity.h"
#include "net/RequestLog.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QUrlQuery>
#include <algorithm>

namespace adminchat {

namespace {

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
    // The built-in profiles carry their reserved names, so the name tells them apart.
    config.endpointId =
        !id.isEmpty()
            ? id
            : EndpointIdentity::fromProfileName(name, EndpointConfig::displayUrl(baseUrl));
    config.apiKey = apiKey;
    config.keyHeader = keyHeader;
    config.extraHeaders = extraHeaders;
    config.secretHeaders = secretHeaders;
    config.connectTimeoutMs = connectTimeoutMs;
    config.idleTimeoutMs = idleTimeoutMs;
    config.totalTimeoutMs = totalTimeoutMs;
    config.maxRetries = maxRetries;
    config.caFile = caFile;
    config.sendStreamOptions = sendStreamOptions;
    config.sendPrediction = sendPrediction;
    return config;
}

bool EndpointProfile::isSecretHeader(QByteArrayView name) const
{
    if (EndpointConfig::isCredentialHeader(name))
        return true;
    return std::any_of(secretHeaders.cbegin(), secretHeaders.cend(), [&](const QByteArray& s) {
        return s.compare(name, Qt::CaseInsensitive) == 0;
    });
}

QList<QByteArray> EndpointProfile::secretHeaderNames() const
{
    QList<QByteArray> names;
    for (const auto& header : extraHeaders) {
        if (isSecretHeader(header.first))
            names << header.first;
    }
    return names;
}

void EndpointProfile::setHeader(const QByteArray& name, const QByteArray& value, bool secret)
{
    const auto same = [&](const QByteArray& other) {
        return other.compare(name, Qt::CaseInsensitive) == 0;
    };
    extraHeaders.removeIf([&](const auto& header) { return same(header.first); });
    secretHeaders.removeIf(same);
    extraHeaders.append({name, value});
    if (secret || EndpointConfig::isCredentialHeader(name))
        secretHeaders.append(name);
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
    // The text is never quoted whole: its value may be a secret.
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon < 0) {
        if (!EndpointConfig::controlCharacterError(text, {}).isEmpty())
            return fail(QStringLiteral("a header contains a line break or another control "
                                       "character, and has no ':' (expected NAME:VALUE)"));
        return fail(QStringLiteral("a header has no ':' (expected NAME:VALUE)"));
    }
    const QString name = text.left(colon).trimmed();
    const QString value = text.mid(colon + 1).trimmed();
    if (name.isEmpty())
        return fail(QStringLiteral("a header has an empty name (expected NAME:VALUE)"));
    if (const QString problem =
            EndpointConfig::controlCharacterError(name, QStringLiteral("a header name"));
        !problem.isEmpty())
        return fail(problem);
    if (const QString problem = EndpointConfig::headerNameError(name); !problem.isEmpty())
        return fail(problem);
    if (const QString problem = EndpointConfig::controlCharacterError(
            value, QStringLiteral("the value of the header %1").arg(name));
        !problem.isEmpty())
        return fail(problem);
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
    const std::optional<QUrl> url = EndpointConfig::parseBaseUrl(base, nullptr);
    if (!url)
        return std::nullopt;
    EndpointProfile profile;
    profile.kind = Kind::Environment;
    profile.name = environmentName;
    profile.baseUrl = *url;
    return profile;
}

QString EndpointProfile::headerText(const QPair<QByteArray, QByteArray>& header)
{
    return QString::fromLatin1(header.first) + QStringLiteral(": ") +
           QString::fromUtf8(header.second);
}

QString EndpointProfile::baseUrlError(const QUrl& url)
{
    QString error;
    if (!EndpointConfig::parseBaseUrl(url.toString(QUrl::FullyEncoded), &error))
        return error;
    if (!url.userInfo().isEmpty())
        return QStringLiteral("the base URL carries a user name or password; keys belong in "
                              "the keychain (--api-key-stdin), not in the URL");
    // A query such as ?api-version=2024-10-21 is kept in the settings file: one that looks like
    // a credential belongs in the keychain instead.
    for (const auto& [name, value] : QUrlQuery(url).queryItems(QUrl::FullyDecoded)) {
        if (RequestLog::isSecretQueryItem(name))
            return QStringLiteral("the base URL's query parameter \"%1\" looks like a "
                                  "credential, which a profile keeps in the keychain: send it "
                                  "as the key (--key-header) or a --secret-header instead")
                .arg(name.left(40));
    }
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

QString EndpointProfile::providerNameError(const QString& name)
{
    static const QRegularExpression valid(QStringLiteral("^[a-z][a-z0-9._]{0,63}$"));
    if (name.isEmpty() || valid.match(name).hasMatch())
        return {};
    return QStringLiteral("the provider name must be lower case letters, digits, '.' and '_' "
                          "(as OpenTelemetry names them, e.g. azure.ai.openai), at most 64");
}

} // namespace adminchat
