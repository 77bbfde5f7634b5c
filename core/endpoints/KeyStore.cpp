#include "endpoints/KeyStore.h"

#include "endpoints/EndpointsLog.h"

#include <QPointer>
#include <qt6keychain/keychain.h>

namespace adminchat {

namespace {

enum class Operation
{
    Read,
    Write,
    Remove
};

// QtKeychain's own text, on one line and without the key should a backend ever echo it.
QString backendText(const QKeychain::Job* job, const QString& key)
{
    QString text = job->errorString().simplified();
    if (!key.isEmpty())
        text.replace(key, QStringLiteral("***"));
    if (text.isEmpty())
        text = QStringLiteral("error %1").arg(int(job->error()));
    return text;
}

// What a keychain entry holds, for messages: "the key" and ADMINCHAT_API_KEY_<NAME>, or "the
// value of header X" and ADMINCHAT_HEADER_<NAME>__<HEADER>.
struct Entry
{
    QString account; // the keychain entry's key
    QString what;
    QString variable;
};

QString errorMessage(Operation operation, const QKeychain::Job* job, const Entry& entry,
                     const QString& key)
{
    const QString text = backendText(job, key);
    QString what;
    switch (job->error()) {
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        what = QStringLiteral("the keychain denied access (%1)").arg(text);
        break;
    default:
        what = QStringLiteral("no keychain service answered (%1)").arg(text);
        break;
    }
    switch (operation) {
    case Operation::Write:
        return QStringLiteral("%1; %2 was not stored. Pass it in the environment instead: "
                              "%3=...")
            .arg(what, entry.what, entry.variable);
    case Operation::Read:
        return QStringLiteral("%1; %2 could not be read. Pass it in the environment "
                              "instead: %3=...")
            .arg(what, entry.what, entry.variable);
    case Operation::Remove:
        break;
    }
    return QStringLiteral("%1; %2 was not removed from the keychain").arg(what, entry.what);
}

// Connects a job's end to `done`, on the caller's thread while `context` lives, and starts it.
void run(QKeychain::Job* job, Operation operation, const Entry& entry, const QString& key,
         QObject* context, KeyStore::Callback done)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext copy when there is no keychain
    job->setKey(entry.account);
    // The result is taken from the job while it still exists (it deletes itself right after
    // finished()), then handed to `done` on the context's thread, unless the context is gone.
    QPointer<QObject> guard(context);
    QObject::connect(
        job, &QKeychain::Job::finished, job,
        [operation, entry, key, guard, done = std::move(done)](QKeychain::Job* finished) {
            KeyStore::Result result;
            const QKeychain::Error error = finished->error();
            if (error == QKeychain::NoError) {
                result.ok = true;
                if (operation == Operation::Read)
                    result.key = static_cast<QKeychain::ReadPasswordJob*>(finished)->textData();
            } else if (error == QKeychain::EntryNotFound) {
                // Nothing stored: not an error for a read (no key) nor for a removal.
                result.notFound = true;
                result.ok = operation == Operation::Remove;
            } else {
                result.error = errorMessage(operation, finished, entry, key);
                qCInfo(lcEndpoints).noquote()
                    << "keychain"
                    << (operation == Operation::Read    ? "read"
                        : operation == Operation::Write ? "write"
                                                        : "removal")
                    << "of" << entry.account << "failed:" << backendText(finished, key);
            }
            if (!guard || !done)
                return;
            QMetaObject::invokeMethod(
                guard.data(), [done, result] { done(result); }, Qt::AutoConnection);
        });
    job->start();
}

Entry keyEntry(const QString& profile)
{
    return {profile, QStringLiteral("the key"), KeyStore::environmentVariable(profile)};
}

Entry headerEntry(const QString& profile, const QByteArray& header)
{
    return {KeyStore::headerAccount(profile, header),
            QStringLiteral("the value of header %1").arg(QString::fromLatin1(header)),
            KeyStore::headerVariable(profile, header)};
}

QString variableName(const QString& text)
{
    QString variable;
    for (const char32_t codePoint : text.toUpper().toUcs4()) {
        const bool plain =
            (codePoint >= U'A' && codePoint <= U'Z') || (codePoint >= U'0' && codePoint <= U'9');
        variable += plain ? QChar(char16_t(codePoint)) : QLatin1Char('_');
    }
    return variable;
}

std::optional<QString> environmentValue(const QString& variable)
{
    const QString value = qEnvironmentVariable(variable.toLocal8Bit().constData()).trimmed();
    if (value.isEmpty())
        return std::nullopt;
    return value;
}

void read(const Entry& entry, QObject* context, KeyStore::Callback done)
{
    // No parent: a job outlives the store if need be, and deletes itself when done.
    run(new QKeychain::ReadPasswordJob(KeyStore::serviceName), Operation::Read, entry, {}, context,
        std::move(done));
}

void write(const Entry& entry, const QString& value, QObject* context, KeyStore::Callback done)
{
    auto* job = new QKeychain::WritePasswordJob(KeyStore::serviceName);
    job->setTextData(value);
    run(job, Operation::Write, entry, value, context, std::move(done));
}

void remove(const Entry& entry, QObject* context, KeyStore::Callback done)
{
    run(new QKeychain::DeletePasswordJob(KeyStore::serviceName), Operation::Remove, entry, {},
        context, std::move(done));
}

} // namespace

KeyStore::KeyStore(QObject* parent) : QObject(parent) {}

void KeyStore::readKey(const QString& profile, QObject* context, Callback done)
{
    read(keyEntry(profile), context, std::move(done));
}

void KeyStore::writeKey(const QString& profile, const QString& key, QObject* context, Callback done)
{
    write(keyEntry(profile), key, context, std::move(done));
}

void KeyStore::removeKey(const QString& profile, QObject* context, Callback done)
{
    remove(keyEntry(profile), context, std::move(done));
}

void KeyStore::readHeaderValue(const QString& profile, const QByteArray& header, QObject* context,
                               Callback done)
{
    read(headerEntry(profile, header), context, std::move(done));
}

void KeyStore::writeHeaderValue(const QString& profile, const QByteArray& header,
                                const QString& value, QObject* context, Callback done)
{
    write(headerEntry(profile, header), value, context, std::move(done));
}

void KeyStore::removeHeaderValue(const QString& profile, const QByteArray& header, QObject* context,
                                 Callback done)
{
    remove(headerEntry(profile, header), context, std::move(done));
}

QString KeyStore::headerAccount(const QString& profile, const QByteArray& header)
{
    // Profile names never hold '/', and header names are tokens: no two entries collide.
    return profile + QStringLiteral("/header/") + QString::fromLatin1(header).toLower();
}

QString KeyStore::headerVariable(const QString& profile, const QByteArray& header)
{
    return QStringLiteral("ADMINCHAT_HEADER_") + variableName(profile) + QStringLiteral("__") +
           variableName(QString::fromLatin1(header));
}

std::optional<QString> KeyStore::headerValueFromEnvironment(const QString& profile,
                                                            const QByteArray& header)
{
    return environmentValue(headerVariable(profile, header));
}

QString KeyStore::environmentVariable(const QString& profile)
{
    return QStringLiteral("ADMINCHAT_API_KEY_") + variableName(profile);
}

std::optional<QString> KeyStore::keyFromEnvironment(const QString& profile)
{
    return environmentValue(environmentVariable(profile));
}

} // namespace adminchat
