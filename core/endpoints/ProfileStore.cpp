#include "endpoints/ProfileStore.h"

#include "endpoints/EndpointsLog.h"
#include "net/EndpointIdentity.h"
#include "settings/AppSettings.h"

#include <QScopeGuard>
#include <algorithm>

namespace adminchat {

namespace {

const QString groupName = QStringLiteral("profiles");

const QString nameKey = QStringLiteral("name");
const QString idKey = QStringLiteral("id");
const QString baseUrlKey = QStringLiteral("baseUrl");
const QString defaultModelKey = QStringLiteral("defaultModel");
const QString keyHeaderKey = QStringLiteral("keyHeader");
const QString headersKey = QStringLiteral("headers");
const QString secretHeadersKey = QStringLiteral("secretHeaders");
const QString connectTimeoutKey = QStringLiteral("connectTimeoutMs");
const QString idleTimeoutKey = QStringLiteral("idleTimeoutMs");
const QString totalTimeoutKey = QStringLiteral("totalTimeoutMs");
const QString caFileKey = QStringLiteral("caFile");
const QString maxRetriesKey = QStringLiteral("maxRetries");
const QString sendStreamOptionsKey = QStringLiteral("sendStreamOptions");
const QString sendPredictionKey = QStringLiteral("sendPrediction");
const QString hasKeyKey = QStringLiteral("hasKey");
const QString providerKey = QStringLiteral("providerName");

// A QSettings key for any name: letters, digits, '-' and '.' stay, every other UTF-8 byte
// becomes _XX. QSettings keeps such keys as they are in the INI file (no '/' to split groups,
// nothing it would escape), two names never share a key, and "Work" and "work" stay apart.
QString groupKey(const QString& name)
{
    QString key;
    const QByteArray utf8 = name.toUtf8();
    key.reserve(utf8.size());
    for (const char byte : utf8) {
        const auto c = static_cast<unsigned char>(byte);
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.')
            key += QLatin1Char(char(c));
        else
            key += QStringLiteral("_%1").arg(uint(c), 2, 16, QLatin1Char('0')).toUpper();
    }
    return key;
}

QString nameFromGroupKey(const QString& key)
{
    QByteArray utf8;
    for (qsizetype i = 0; i < key.size(); ++i) {
        if (key[i] == QLatin1Char('_') && i + 2 < key.size()) {
            bool ok = false;
            const uint byte = key.mid(i + 1, 2).toUInt(&ok, 16);
            if (ok) {
                utf8 += char(byte);
                i += 2;
                continue;
            }
        }
        utf8 += key[i].toLatin1();
    }
    return QString::fromUtf8(utf8);
}

int intValue(const QSettings& settings, const QString& key, int fallback, int minimum)
{
    bool ok = false;
    const int value = settings.value(key).toInt(&ok);
    return ok && value >= minimum ? value : fallback;
}

} // namespace

ProfileStore::ProfileStore()
    : m_settings(std::make_unique<QSettings>(AppSettings::defaultFileName(), QSettings::IniFormat))
{}

ProfileStore::ProfileStore(const QString& iniPath)
    : m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat))
{}

QList<EndpointProfile> ProfileStore::profiles() const
{
    QList<EndpointProfile> result;
    m_settings->beginGroup(groupName);
    const QStringList keys = m_settings->childGroups();
    m_settings->endGroup();
    for (const QString& key : keys) {
        const QString name =
            m_settings->value(groupName + QLatin1Char('/') + key + QLatin1Char('/') + nameKey)
                .toString();
        if (auto profile = read(key, name.isEmpty() ? nameFromGroupKey(key) : name))
            result.append(std::move(*profile));
    }
    std::sort(result.begin(), result.end(), [](const EndpointProfile& a, const EndpointProfile& b) {
        const int order = a.name.compare(b.name, Qt::CaseInsensitive);
        return order != 0 ? order < 0 : a.name < b.name;
    });
    return result;
}

std::optional<EndpointProfile> ProfileStore::profile(const QString& name) const
{
    if (name.isEmpty())
        return std::nullopt;
    return read(groupKey(name), name);
}

std::optional<EndpointProfile> ProfileStore::find(const QString& name) const
{
    if (auto exact = profile(name))
        return exact;
    std::optional<EndpointProfile> match;
    for (const EndpointProfile& candidate : profiles()) {
        if (candidate.name.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (match)
            return std::nullopt; // ambiguous
        match = candidate;
    }
    return match;
}

bool ProfileStore::contains(const QString& name) const
{
    return profile(name).has_value();
}

std::optional<EndpointProfile> ProfileStore::read(const QString& key, const QString& name) const
{
    m_settings->beginGroup(groupName + QLatin1Char('/') + key);
    const auto end = qScopeGuard([this] { m_settings->endGroup(); });
    if (!m_settings->contains(baseUrlKey))
        return std::nullopt;
    const QString storedName = m_settings->value(nameKey, name).toString();
    if (storedName != name)
        return std::nullopt;

    EndpointProfile profile;
    profile.kind = EndpointProfile::Kind::Saved;
    profile.name = storedName;
    profile.id = m_settings->value(idKey).toString();
    if (profile.id.isEmpty()) // saved by an older version: the id its records migrated to
        profile.id = EndpointIdentity::legacyProfileId(storedName);
    profile.baseUrl = QUrl(m_settings->value(baseUrlKey).toString());
    profile.defaultModel = m_settings->value(defaultModelKey).toString();
    profile.keyHeader = m_settings->value(keyHeaderKey).toString().trimmed().toLatin1();
    if (const QString error =
            EndpointConfig::headerNameError(QString::fromLatin1(profile.keyHeader));
        !profile.keyHeader.isEmpty() && !error.isEmpty()) {
        qCWarning(lcEndpoints).noquote()
            << QStringLiteral("profile \"%1\": the key header is not valid (%2); the key goes "
                              "as Authorization: Bearer")
                   .arg(name, error);
        profile.keyHeader.clear();
    }
    for (const QString& text : m_settings->value(headersKey).toStringList()) {
        QString error;
        const auto header = EndpointProfile::parseHeader(text, &error);
        if (!header) {
            qCWarning(lcEndpoints).noquote() << QStringLiteral("profile \"%1\": skipping a stored "
                                                               "header, never sent: %2")
                                                    .arg(name, error);
            continue;
        }
        profile.extraHeaders.append(*header);
        // Written by an older version, which kept every value here.
        if (EndpointConfig::isCredentialHeader(header->first)) {
            profile.secretHeaders.append(header->first);
            profile.plaintextSecrets.append(header->first);
        }
    }
    for (const QString& text : m_settings->value(secretHeadersKey).toStringList()) {
        const QString headerName = text.trimmed();
        if (const QString error = EndpointConfig::headerNameError(headerName); !error.isEmpty()) {
            qCWarning(lcEndpoints).noquote()
                << QStringLiteral("profile \"%1\": skipping a stored secret header, never "
                                  "sent: %2")
                       .arg(name, error);
            continue;
        }
        if (profile.isSecretHeader(headerName.toLatin1()) &&
            std::any_of(profile.extraHeaders.cbegin(), profile.extraHeaders.cend(),
                        [&](const auto& header) {
                            return headerName.compare(QString::fromLatin1(header.first),
                                                      Qt::CaseInsensitive) == 0;
                        }))
            continue; // a plaintext copy is there too: the resolver moves it
        profile.setHeader(headerName.toLatin1(), {}, true);
    }
    const EndpointProfile defaults;
    profile.connectTimeoutMs =
        intValue(*m_settings, connectTimeoutKey, defaults.connectTimeoutMs, 0);
    profile.idleTimeoutMs = intValue(*m_settings, idleTimeoutKey, defaults.idleTimeoutMs, 0);
    profile.totalTimeoutMs = intValue(*m_settings, totalTimeoutKey, defaults.totalTimeoutMs, 0);
    profile.maxRetries = std::min(intValue(*m_settings, maxRetriesKey, defaults.maxRetries, 0),
                                  EndpointConfig::maxRetriesLimit);
    profile.caFile = m_settings->value(caFileKey).toString();
    profile.providerName = m_settings->value(providerKey).toString();
    profile.sendStreamOptions = m_settings->value(sendStreamOptionsKey, true).toBool();
    profile.sendPrediction = m_settings->value(sendPredictionKey, false).toBool();
    profile.hasKey = m_settings->value(hasKeyKey, false).toBool();
    profile.probe = ProbeSettings::read(*m_settings);
    return profile;
}

QHash<QString, QString> ProfileStore::providerNames() const
{
    QHash<QString, QString> result;
    for (const EndpointProfile& profile : profiles()) {
        if (!profile.providerName.isEmpty())
            result.insert(profile.name, profile.providerName);
    }
    return result;
}

QString ProfileStore::validationError(const EndpointProfile& profile) const
{
    if (QString error = EndpointProfile::nameError(profile.name); !error.isEmpty())
        return error;
    if (QString error = EndpointProfile::baseUrlError(profile.baseUrl); !error.isEmpty())
        return error;
    if (QString error = profile.probe.validationError(); !error.isEmpty())
        return error;
    if (QString error = EndpointProfile::providerNameError(profile.providerName); !error.isEmpty())
        return error;
    if (!profile.keyHeader.isEmpty()) {
        if (QString error = EndpointConfig::headerNameError(QString::fromLatin1(profile.keyHeader));
            !error.isEmpty())
            return QStringLiteral("key header: ") + error;
    }
    for (const auto& [name, value] : profile.extraHeaders) {
        if (QString error = EndpointConfig::headerNameError(QString::fromLatin1(name));
            !error.isEmpty())
            return error;
        if (QString error = EndpointConfig::controlCharacterError(
                QString::fromUtf8(value),
                QStringLiteral("the value of the header %1").arg(QString::fromLatin1(name)));
            !error.isEmpty())
            return error;
    }
    // Another profile whose name differs only in case would share the environment variable
    // ADMINCHAT_API_KEY_<NAME> and confuse people.
    m_settings->beginGroup(groupName);
    const QStringList keys = m_settings->childGroups();
    m_settings->endGroup();
    const QString ownKey = groupKey(profile.name);
    for (const QString& key : keys) {
        if (key == ownKey)
            continue;
        const QString other =
            m_settings->value(groupName + QLatin1Char('/') + key + QLatin1Char('/') + nameKey)
                .toString();
        if (other.compare(profile.name, Qt::CaseInsensitive) == 0)
            return QStringLiteral("a profile named \"%1\" already exists").arg(other);
    }
    return {};
}

bool ProfileStore::save(const EndpointProfile& profile, QString* error)
{
    if (const QString problem = validationError(profile); !problem.isEmpty()) {
        if (error)
            *error = problem;
        return false;
    }
    const QString group = groupName + QLatin1Char('/') + groupKey(profile.name);
    // Saved again under its name (`profile add` over an existing one) it keeps its id, so its
    // metrics stay one endpoint; a new profile gets one.
    QString id = profile.id;
    if (id.isEmpty()) {
        const std::optional<EndpointProfile> existing = this->profile(profile.name);
        id = existing ? existing->id : EndpointIdentity::newProfileId();
    }
    m_settings->remove(group); // no stale keys from an older version of the profile
    m_settings->beginGroup(group);
    m_settings->setValue(nameKey, profile.name);
    m_settings->setValue(idKey, id);
    m_settings->setValue(baseUrlKey, profile.baseUrl.toString());
    m_settings->setValue(defaultModelKey, profile.defaultModel);
    if (!profile.keyHeader.isEmpty())
        m_settings->setValue(keyHeaderKey, QString::fromLatin1(profile.keyHeader));
    // Secret values never come here: only their names, the values live in the keychain.
    QStringList headers, secretNames;
    for (const auto& header : profile.extraHeaders) {
        if (profile.isSecretHeader(header.first))
            secretNames << QString::fromLatin1(header.first);
        else
            headers << EndpointProfile::headerText(header);
    }
    if (!headers.isEmpty()) // an empty list would read "@Invalid()" in the file
        m_settings->setValue(headersKey, headers);
    if (!secretNames.isEmpty())
        m_settings->setValue(secretHeadersKey, secretNames);
    m_settings->setValue(connectTimeoutKey, profile.connectTimeoutMs);
    m_settings->setValue(idleTimeoutKey, profile.idleTimeoutMs);
    m_settings->setValue(totalTimeoutKey, profile.totalTimeoutMs);
    m_settings->setValue(maxRetriesKey, profile.maxRetries);
    m_settings->setValue(caFileKey, profile.caFile);
    if (profile.providerName.isEmpty())
        m_settings->remove(providerKey);
    else
        m_settings->setValue(providerKey, profile.providerName);
    m_settings->setValue(sendStreamOptionsKey, profile.sendStreamOptions);
    m_settings->setValue(sendPredictionKey, profile.sendPrediction);
    m_settings->setValue(hasKeyKey, profile.hasKey);
    profile.probe.write(*m_settings);
    m_settings->endGroup();
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError) {
        if (error)
            *error = QStringLiteral("could not write %1").arg(m_settings->fileName());
        return false;
    }
    qCDebug(lcEndpoints).noquote() << "saved profile" << profile.name;
    return true;
}

bool ProfileStore::remove(const QString& name)
{
    if (!contains(name))
        return false;
    m_settings->remove(groupName + QLatin1Char('/') + groupKey(name));
    m_settings->sync();
    return m_settings->status() == QSettings::NoError;
}

void ProfileStore::setSendStreamOptions(const QString& name, bool send)
{
    if (!contains(name))
        return;
    m_settings->setValue(groupName + QLatin1Char('/') + groupKey(name) + QLatin1Char('/') +
                             sendStreamOptionsKey,
                         send);
    m_settings->sync();
}

QString ProfileStore::fileName() const
{
    return m_settings->fileName();
}

void ProfileStore::sync()
{
    m_settings->sync();
}

} // namespace adminchat
