#include "endpoints/ProfileSecrets.h"

#include "endpoints/EndpointsLog.h"
#include "endpoints/KeyStore.h"

#include <QPointer>
#include <memory>

namespace adminchat {

namespace {

// One step after another: each gets its index and a function to call when it is done. The
// chain holds itself only through the pending step's callback, so it ends with the last one.
void sequence(qsizetype count,
              std::function<void(qsizetype index, std::function<void()> next)> step,
              std::function<void()> finished)
{
    using Run = std::function<void(qsizetype)>;
    auto run = std::make_shared<Run>();
    std::weak_ptr<Run> weak = run;
    *run = [count, step, finished, weak](qsizetype index) {
        if (index >= count)
            return finished();
        const std::shared_ptr<Run> self = weak.lock(); // alive: its caller holds it
        step(index, [self, index] { (*self)(index + 1); });
    };
    (*run)(0);
}

// `done`, called later from the event loop on the context's thread, unless the context is gone.
ProfileSecrets::Done queued(QObject* context, ProfileSecrets::Done done)
{
    QPointer<QObject> guard(context);
    return [guard, done](const QString& error) {
        if (guard)
            QMetaObject::invokeMethod(
                guard.data(), [done, error] { done(error); }, Qt::QueuedConnection);
    };
}

ProfileSecrets::Resolved queued(QObject* context, ProfileSecrets::Resolved done)
{
    QPointer<QObject> guard(context);
    return [guard, done](const EndpointProfile& profile, const QString& error) {
        if (guard)
            QMetaObject::invokeMethod(
                guard.data(), [done, profile, error] { done(profile, error); },
                Qt::QueuedConnection);
    };
}

} // namespace

void ProfileSecrets::write(const QString& profile, const Values& values, QObject* context,
                           Done done)
{
    done = queued(context, std::move(done));
    auto keys = std::make_shared<KeyStore>();
    sequence(
        values.size(),
        [=](qsizetype index, std::function<void()> next) {
            const auto& [name, value] = values.at(index);
            keys->writeHeaderValue(profile, name, QString::fromUtf8(value), context,
                                   [=](const KeyStore::Result& written) {
                                       if (!written.ok)
                                           return done(written.error);
                                       next();
                                   });
        },
        [done] { done({}); });
}

void ProfileSecrets::remove(const QString& profile, const QList<QByteArray>& headers,
                            QObject* context, Done done)
{
    done = queued(context, std::move(done));
    auto error = std::make_shared<QString>();
    auto keys = std::make_shared<KeyStore>();
    sequence(
        headers.size(),
        [=](qsizetype index, std::function<void()> next) {
            keys->removeHeaderValue(profile, headers.at(index), context,
                                    [=](const KeyStore::Result& removed) {
                                        if (!removed.ok && error->isEmpty())
                                            *error = removed.error;
                                        next();
                                    });
        },
        [done, error] { done(*error); });
}

void ProfileSecrets::copy(const QString& from, const QString& to, const QList<QByteArray>& headers,
                          QObject* context, Done done)
{
    done = queued(context, std::move(done));
    auto keys = std::make_shared<KeyStore>();
    sequence(
        headers.size(),
        [=](qsizetype index, std::function<void()> next) {
            const QByteArray header = headers.at(index);
            keys->readHeaderValue(from, header, context, [=](const KeyStore::Result& read) {
                if (read.notFound)
                    return next();
                if (!read.ok)
                    return done(read.error);
                keys->writeHeaderValue(to, header, read.key, context,
                                       [=](const KeyStore::Result& written) {
                                           if (!written.ok)
                                               return done(written.error);
                                           next();
                                       });
            });
        },
        [done] { done({}); });
}

void ProfileSecrets::resolve(const EndpointProfile& profile, QObject* context, Resolved done)
{
    done = queued(context, std::move(done));
    auto resolved = std::make_shared<EndpointProfile>(profile);
    auto keys = std::make_shared<KeyStore>();
    QList<QByteArray> secret;
    for (const auto& header : profile.extraHeaders) {
        if (profile.isSecretHeader(header.first))
            secret << header.first;
    }
    const auto setValue = [resolved](const QByteArray& name, const QByteArray& value) {
        for (auto& header : resolved->extraHeaders) {
            if (header.first == name)
                header.second = value;
        }
    };
    const QString name = profile.name;
    sequence(
        secret.size(),
        [=](qsizetype index, std::function<void()> next) {
            const QByteArray header = secret.at(index);
            const auto use = [=](const QString& value, const QString& where) {
                const QString trimmed = value.trimmed();
                if (const QString error = EndpointConfig::controlCharacterError(
                        trimmed, QStringLiteral("the value of header %1 %2")
                                     .arg(QString::fromLatin1(header), where));
                    !error.isEmpty())
                    return done(*resolved, error);
                setValue(header, trimmed.toUtf8());
                next();
            };
            if (const auto value = KeyStore::headerValueFromEnvironment(name, header))
                return use(*value, QStringLiteral("in ") + KeyStore::headerVariable(name, header));
            if (resolved->plaintextSecrets.contains(header)) {
                QByteArray plain;
                for (const auto& h : std::as_const(resolved->extraHeaders)) {
                    if (h.first == header)
                        plain = h.second;
                }
                keys->writeHeaderValue(
                    name, header, QString::fromUtf8(plain), context,
                    [=](const KeyStore::Result& written) {
                        if (written.ok) {
                            resolved->plaintextSecrets.removeAll(header);
                            qCInfo(lcEndpoints).noquote()
                                << QStringLiteral("profile \"%1\": moved the value of header %2 "
                                                  "from the settings file into the keychain")
                                       .arg(name, QString::fromLatin1(header));
                        } else {
                            qCWarning(lcEndpoints).noquote()
                                << QStringLiteral("profile \"%1\": the value of header %2 stays "
                                                  "in plain text in the settings file until the "
                                                  "keychain answers (%3)")
                                       .arg(name, QString::fromLatin1(header), written.error);
                        }
                        next();
                    });
                return;
            }
            keys->readHeaderValue(name, header, context, [=](const KeyStore::Result& read) {
                if (read.notFound)
                    return done(
                        *resolved,
                        QStringLiteral("the value of header %1 of profile \"%2\" is missing "
                                       "from the keychain; store it again with `adminchat "
                                       "profile add \"%2\" --replace --secret-header "
                                       "'%1: ...'` or set %3")
                            .arg(QString::fromLatin1(header), name,
                                 KeyStore::headerVariable(name, header)));
                if (!read.ok)
                    return done(*resolved, read.error);
                use(read.key, QStringLiteral("of profile \"%1\" in the keychain").arg(name));
            });
        },
        [done, resolved] { done(*resolved, {}); });
}

} // namespace adminchat
