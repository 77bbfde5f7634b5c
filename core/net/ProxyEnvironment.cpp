#include "net/ProxyEnvironment.h"

#include "net/NetLog.h"

#include <QHostAddress>
#include <QNetworkProxyFactory>
#include <QRegularExpression>
#include <algorithm>
#include <mutex>

namespace adminchat {

namespace {

const QStringList kNames = {QStringLiteral("http_proxy"),  QStringLiteral("https_proxy"),
                            QStringLiteral("HTTPS_PROXY"), QStringLiteral("all_proxy"),
                            QStringLiteral("ALL_PROXY"),   QStringLiteral("no_proxy"),
                            QStringLiteral("NO_PROXY")};

// The first of these variables that is set and not empty: (name, value).
std::pair<QString, QString> first(const ProxyEnvironment::Variables& variables,
                                  std::initializer_list<const char*> names)
{
    for (const char* name : names) {
        const QString value = variables.value(QLatin1String(name)).trimmed();
        if (!value.isEmpty())
            return {QLatin1String(name), value};
    }
    return {};
}

bool matchesEntry(const QString& host, QString entry)
{
    if (entry == QLatin1String("*"))
        return true;
    if (entry.startsWith(QLatin1Char('[')) && entry.contains(QLatin1Char(']')))
        entry = entry.mid(1, entry.indexOf(QLatin1Char(']')) - 1);
    const QHostAddress address(host);
    if (!address.isNull()) {
        if (entry.contains(QLatin1Char('/'))) {
            const auto subnet = QHostAddress::parseSubnet(entry);
            return subnet.first.protocol() == address.protocol() && address.isInSubnet(subnet);
        }
        return QHostAddress(entry) == address;
    }
    while (entry.startsWith(QLatin1Char('.')))
        entry.remove(0, 1);
    while (entry.endsWith(QLatin1Char('.')))
        entry.chop(1);
    const QString name = host.endsWith(QLatin1Char('.')) ? host.chopped(1) : host;
    return !entry.isEmpty() && (name.compare(entry, Qt::CaseInsensitive) == 0 ||
                                name.endsWith(QLatin1Char('.') + entry, Qt::CaseInsensitive));
}

class Factory : public QNetworkProxyFactory
{
public:
    explicit Factory(ProxyEnvironment::Variables variables) : m_variables(std::move(variables)) {}

    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery& query) override
    {
        QUrl url = query.url();
        if (url.isEmpty() || url.host().isEmpty()) {
            // A raw socket without URL: only HTTP(S) requests have proxies in these rules.
            return {QNetworkProxy(QNetworkProxy::NoProxy)};
        }
        return {ProxyEnvironment::proxyFor(url, m_variables)};
    }

private:
    ProxyEnvironment::Variables m_variables;
};

} // namespace

ProxyEnvironment::Variables ProxyEnvironment::fromProcess()
{
    // The seven names one by one: a copy of the whole environment per request was a tenth of a
    // load run's CPU.
    Variables variables;
    for (const QString& name : kNames) {
        const QByteArray key = name.toLatin1();
        if (qEnvironmentVariableIsSet(key.constData()))
            variables.insert(name, qEnvironmentVariable(key.constData()));
    }
    return variables;
}

bool ProxyEnvironment::bypasses(const QString& host, const QString& noProxy)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    QString bare = host;
    if (bare.startsWith(QLatin1Char('[')))
        bare = bare.mid(1, bare.size() - 2);
    for (const QString& entry : noProxy.split(separators, Qt::SkipEmptyParts)) {
        if (matchesEntry(bare, entry))
            return true;
    }
    return false;
}

QNetworkProxy ProxyEnvironment::proxyFor(const QUrl& url, const Variables& variables,
                                         std::optional<ApiError>* error)
{
    const QNetworkProxy none(QNetworkProxy::NoProxy);
    const QString scheme = url.scheme().toLower();
    std::pair<QString, QString> chosen;
    if (scheme == QLatin1String("http"))
        chosen = first(variables, {"http_proxy"}); // HTTP_PROXY is not read, as curl does not
    else if (scheme == QLatin1String("https"))
        chosen = first(variables, {"https_proxy", "HTTPS_PROXY"});
    if (chosen.second.isEmpty())
        chosen = first(variables, {"all_proxy", "ALL_PROXY"});
    const auto& [name, value] = chosen;
    if (value.isEmpty())
        return none;
    if (bypasses(url.host(), first(variables, {"no_proxy", "NO_PROXY"}).second))
        return none;
    // A proxy elsewhere cannot reach this machine's loopback (the built-in demo endpoint).
    const QHostAddress address(url.host());
    if (url.host().compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 ||
        address.isLoopback())
        return none;

    const QUrl proxyUrl = QUrl::fromUserInput(
        value.contains(QLatin1String("://")) ? value : QStringLiteral("http://") + value);
    const QString proxyScheme = proxyUrl.scheme().toLower();
    QNetworkProxy::ProxyType type = QNetworkProxy::NoProxy;
    if (proxyScheme == QLatin1String("http"))
        type = QNetworkProxy::HttpProxy;
    else if (proxyScheme == QLatin1String("socks5") || proxyScheme == QLatin1String("socks5h"))
        type = QNetworkProxy::Socks5Proxy;
    if (type == QNetworkProxy::NoProxy || proxyUrl.host().isEmpty()) {
        if (error) {
            // The value may hold a password: only its scheme is named.
            *error =
                ApiError{ApiError::Kind::Connection,
                         QStringLiteral("the proxy in %1 cannot be used: %2 (supported: http://, "
                                        "socks5://, socks5h://)")
                             .arg(name, proxyUrl.host().isEmpty()
                                            ? QStringLiteral("no host in it")
                                            : QStringLiteral("scheme %1:// is not supported")
                                                  .arg(proxyScheme.left(20)))};
        }
        return none;
    }
    QNetworkProxy proxy(type, proxyUrl.host(), quint16(proxyUrl.port(1080)),
                        proxyUrl.userName(QUrl::FullyDecoded),
                        proxyUrl.password(QUrl::FullyDecoded));
    return proxy;
}

std::optional<ApiError> ProxyEnvironment::install(const QUrl& url)
{
    static const Variables variables = fromProcess();
    static std::once_flag once;
    // Without any of the variables Qt's own choice stays (a desktop's proxy settings, if any).
    std::call_once(once, [] {
        const bool anySet =
            std::any_of(variables.cbegin(), variables.cend(),
                        [](const QString& value) { return !value.trimmed().isEmpty(); });
        if (anySet)
            QNetworkProxyFactory::setApplicationProxyFactory(new Factory(variables));
    });
    std::optional<ApiError> error;
    const QNetworkProxy proxy = proxyFor(url, variables, &error);
    if (proxy.type() != QNetworkProxy::NoProxy)
        qCDebug(lcNet).noquote() << "proxy for" << url.host() << "is" << proxy.hostName() << ":"
                                 << proxy.port();
    return error;
}

} // namespace adminchat
