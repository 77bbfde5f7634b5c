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

QString errorMessage(Operation operation, const QKeychain::Job* job, const QString& profile,
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
    const QString variable = KeyStore::environmentVariable(profile);
    switch (operation) {
    case Operation::Write:
        return QStringLiteral("%1; the key was not stored. Pass it in the environment instead: "
                              "%2=...")
            .arg(what, variable);
    case Operation::Read:
        return QStringLiteral("%1; the key could not be read. Pass it in the environment "
                              "instead: %2=...")
            .arg(what, variable);
    case Operation::Remove:
        break;
    }
    return QStringLiteral("%1; the key was not removed from the keychain").arg(what);
}

// Connects a job's end to `done`, on the caller's thread while `context` lives, and starts it.
void run(QKeychain::Job* job, Operation operation, const QString& profile, const QString& key,
         QObject* context, KeyStore::Callback done)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext copy when there is no keychain
    job->setKey(profile);
    // The result is taken from the job while it still exists (it deletes itself right after
    // finished()), then handed to `done` on the context's thread, unless the context is gone.
    QPointer<QObject> guard(context);
    QObject::connect(
        job, &QKeychain::Job::finished, job,
        [operation, profile, key, guard, done = std::move(done)](QKeychain::Job* finished) {
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
                result.error = errorMessage(operation, finished, profile, key);
                qCInfo(lcEndpoints).noquote()
                    << "keychain"
                    << (operation == Operation::Read    ? "read"
                        : operation == Operation::Write ? "write"
                                                        : "removal")
                    << "for profile" << profile << "failed:" << backendText(finished, key);
            }
            if (!guard || !done)
                return;
            QMetaObject::invokeMethod(
                guard.data(), [done, result] { done(result); }, Qt::AutoConnection);
        });
    job->start();
}

} // namespace

KeyStore::KeyStore(QObject* parent) : QObject(parent) {}

void KeyStore::readKey(const QString& profile, QObject* context, Callback done)
{
    // No parent: a job outlives this object if need be, and deletes itself when done.
    run(new QKeychain::ReadPasswordJob(serviceName), Operation::Read, profile, {}, context,
        std::move(done));
}

void KeyStore::writeKey(const QString& profile, const QString& key, QObject* context, Callback done)
{
    auto* job = new QKeychain::WritePasswordJob(serviceName);
    job->setTextData(key);
    run(job, Operation::Write, profile, key, context, std::move(done));
}

void KeyStore::removeKey(const QString& profile, QObject* context, Callback done)
{
    run(new QKeychain::DeletePasswordJob(serviceName), Operation::Remove, profile, {}, context,
        std::move(done));
}

QString KeyStore::environmentVariable(const QString& profile)
{
    QString variable = QStringLiteral("ADMINCHAT_API_KEY_");
    for (const char32_t codePoint : profile.toUpper().toUcs4()) {
        const bool plain =
            (codePoint >= U'A' && codePoint <= U'Z') || (codePoint >= U'0' && codePoint <= U'9');
        variable += plain ? QChar(char16_t(codePoint)) : QLatin1Char('_');
    }
    return variable;
}

std::optional<QString> KeyStore::keyFromEnvironment(const QString& profile)
{
    const QString key =
        qEnvironmentVariable(environmentVariable(profile).toLocal8Bit().constData());
    if (key.isEmpty())
        return std::nullopt;
    return key;
}

} // namespace adminchat
