#include "telemetry/OtlpConfig.h"

#include "net/EndpointConfig.h"

namespace adminchat {

namespace {

QString decoded(const QString& text)
{
    return QUrl::fromPercentEncoding(text.trimmed().toUtf8());
}

} // namespace

QUrl OtlpConfig::signalUrl(const char* signalPath) const
{
    QUrl url = endpoint;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QLatin1String(signalPath));
    return url;
}

std::optional<QList<QPair<QString, QString>>> OtlpConfig::parseKeyValueList(const QString& text,
                                                                            int* badMember)
{
    QList<QPair<QString, QString>> pairs;
    const QStringList members = text.split(QLatin1Char(','));
    for (int i = 0; i < members.size(); ++i) {
        const QString& member = members[i];
        if (member.trimmed().isEmpty())
            continue; // "a=1,,b=2" and a trailing comma
        const qsizetype equals = member.indexOf(QLatin1Char('='));
        const QString key = equals < 0 ? QString() : decoded(member.left(equals));
        if (key.trimmed().isEmpty()) { // a blank key names nothing
            if (badMember)
                *badMember = i + 1;
            return std::nullopt;
        }
        pairs.append({key, decoded(member.mid(equals + 1))});
    }
    return pairs;
}

std::optional<QUrl> OtlpConfig::parseEndpoint(const QString& text, QString* error)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        if (error)
            *error = QStringLiteral("not an http:// or https:// URL: %1")
                         .arg(url.toDisplayString(QUrl::RemoveUserInfo));
        return std::nullopt;
    }
    return url;
}

OtlpConfig OtlpConfig::fromEnvironment(const QProcessEnvironment& environment, QString* warning)
{
    OtlpConfig config;
    QStringList problems;
    const QString endpoint = environment.value(QStringLiteral("OTEL_EXPORTER_OTLP_ENDPOINT"));
    if (!endpoint.trimmed().isEmpty()) {
        QString error;
        if (const auto url = parseEndpoint(endpoint, &error))
            config.endpoint = *url;
        else
            problems << QStringLiteral("OTEL_EXPORTER_OTLP_ENDPOINT: ") + error;
    }
    int bad = 0;
    if (const auto headers = parseKeyValueList(
            environment.value(QStringLiteral("OTEL_EXPORTER_OTLP_HEADERS")), &bad)) {
        for (const auto& [name, value] : *headers) {
            // A decoded CR or LF would start a header of its own.
            const QString nameError = EndpointConfig::headerNameError(name);
            if (!nameError.isEmpty() || value.contains(QLatin1Char('\r')) ||
                value.contains(QLatin1Char('\n')) || value.contains(QChar(0))) {
                problems << QStringLiteral("OTEL_EXPORTER_OTLP_HEADERS: header %1 left out (%2)")
                                .arg(nameError.isEmpty() ? name : QStringLiteral("?"),
                                     nameError.isEmpty()
                                         ? QStringLiteral("a line break in its value")
                                         : nameError);
                continue;
            }
            config.headers.append({name.toLatin1(), value.toUtf8()});
        }
    } else {
        // The position only: the text may hold a credential.
        problems << QStringLiteral("OTEL_EXPORTER_OTLP_HEADERS: member %1 is not key=value; "
                                   "no header from it is sent")
                        .arg(bad);
    }
    if (const auto attributes = parseKeyValueList(
            environment.value(QStringLiteral("OTEL_RESOURCE_ATTRIBUTES")), &bad)) {
        for (const auto& [key, value] : *attributes) {
            if (key == QLatin1String("service.name"))
                config.serviceName = value;
            else
                config.resourceAttributes.append({key, value});
        }
    } else {
        problems << QStringLiteral("OTEL_RESOURCE_ATTRIBUTES: member %1 is not key=value; the "
                                   "variable is ignored")
                        .arg(bad);
    }
    const QString serviceName = environment.value(QStringLiteral("OTEL_SERVICE_NAME")).trimmed();
    if (!serviceName.isEmpty())
        config.serviceName = serviceName;
    if (warning)
        *warning = problems.join(QStringLiteral("; "));
    return config;
}

} // namespace adminchat
