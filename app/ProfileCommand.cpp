#include "ProfileCommand.h"

#include "CommandLine.h"
#include "KeyPrompt.h"
#include "ProfileHelp.h"
#include "ProfileProbeCommand.h"
#include "ProfileTestRun.h"
#include "demo/DemoServer.h"
#include "endpoints/EndpointProfile.h"
#include "endpoints/KeyStore.h"
#include "endpoints/ProfileSecrets.h"
#include "endpoints/ProfileStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>

namespace adminchat {

namespace {

int usageError(const QString& sub, const QString& message)
{
    writeErr(QStringLiteral("adminchat profile%1: %2\n")
                 .arg(sub.isEmpty() ? QString() : QLatin1Char(' ') + sub, message));
    return 2;
}

int failure(const QString& sub, const QString& message)
{
    writeErr(QStringLiteral("adminchat profile %1: %2\n").arg(sub, message));
    return 1;
}

// The parser of one subcommand sees "adminchat [options] [NAME]".
bool parse(QCommandLineParser& parser, const QStringList& arguments, const QString& sub,
           int* exitCode)
{
    parser.addOption({{QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Help.")});
    QStringList parsed = arguments;
    parsed.removeAt(1);
    if (!parser.parse(parsed)) {
        *exitCode = usageError(sub, parser.errorText());
        return false;
    }
    return true;
}

QString knownNames(const ProfileStore& store)
{
    QStringList names;
    for (const EndpointProfile& profile : store.profiles())
        names << profile.name;
    return names.isEmpty() ? QStringLiteral("none saved yet (see `adminchat profile add --help`)")
                           : names.join(QStringLiteral(", "));
}

QString insecureWarning(const QUrl& url)
{
    return QStringLiteral("warning: %1 is plain http to a host that is not this machine: the key "
                          "and the prompts cross the network unencrypted; use https:// if the "
                          "server offers it\n")
        .arg(EndpointConfig::displayUrl(url));
}

// ---- add ---------------------------------------------------------------------------------

int runAdd(const QStringList& arguments)
{
    const QString sub = QStringLiteral("add");
    QCommandLineParser parser;
    parser.addOptions({
        {QStringLiteral("base-url"), QStringLiteral("Base URL."), QStringLiteral("URL")},
        {QStringLiteral("model"), QStringLiteral("Default model."), QStringLiteral("M")},
        {QStringLiteral("header"), QStringLiteral("Header."), QStringLiteral("K:V")},
        {QStringLiteral("secret-header"), QStringLiteral("Secret header."), QStringLiteral("K:V")},
        {QStringLiteral("key-header"), QStringLiteral("Key header."), QStringLiteral("NAME")},
        {QStringLiteral("connect-timeout"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("idle-timeout"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("total-timeout"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("max-retries"), QStringLiteral("Retries."), QStringLiteral("N")},
        {QStringLiteral("ca-file"), QStringLiteral("PEM file."), QStringLiteral("FILE")},
        {QStringLiteral("no-stream-options"), QStringLiteral("No stream_options.")},
        {QStringLiteral("predict"), QStringLiteral("Send predictions.")},
        {QStringLiteral("provider"), QStringLiteral("Provider name."), QStringLiteral("NAME")},
        {QStringLiteral("api-key-stdin"), QStringLiteral("Key on stdin.")},
        {QStringLiteral("replace"), QStringLiteral("Replace.")},
    });
    int exitCode = 0;
    if (!parse(parser, arguments, sub, &exitCode))
        return exitCode;
    if (parser.isSet(QStringLiteral("help"))) {
        writeOut(QString::fromUtf8(profilehelp::addHelp));
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(sub, positional.isEmpty()
                                   ? QStringLiteral("no profile name; see --help")
                                   : QStringLiteral("one profile name expected, got %1 "
                                                    "arguments (quote a name with spaces)")
                                         .arg(positional.size()));

    EndpointProfile profile;
    profile.name = positional.first();
    if (const QString error = EndpointProfile::nameError(profile.name); !error.isEmpty())
        return usageError(sub, error);

    if (!parser.isSet(QStringLiteral("base-url")))
        return usageError(sub, QStringLiteral("--base-url URL is required"));
    QString urlError;
    const std::optional<QUrl> url = EndpointConfig::parseBaseUrl(
        parser.value(QStringLiteral("base-url")), &urlError, QStringLiteral("--base-url"));
    if (!url)
        return usageError(sub, urlError);
    if (const QString error = EndpointProfile::baseUrlError(*url); !error.isEmpty())
        return usageError(sub, error);
    profile.baseUrl = *url;
    profile.defaultModel = parser.value(QStringLiteral("model")).trimmed();

    for (const QString& option : {QStringLiteral("header"), QStringLiteral("secret-header")}) {
        for (const QString& text : parser.values(option)) {
            QString error;
            const auto header = EndpointProfile::parseHeader(text, &error);
            if (!header)
                return usageError(sub, QStringLiteral("--%1: %2").arg(option, error));
            profile.setHeader(header->first, header->second,
                              option == QLatin1String("secret-header"));
        }
    }
    if (parser.isSet(QStringLiteral("key-header"))) {
        const QString keyHeader = parser.value(QStringLiteral("key-header")).trimmed();
        if (const QString error = EndpointConfig::headerNameError(keyHeader); !error.isEmpty())
            return usageError(sub, QStringLiteral("--key-header: ") + error);
        if (keyHeader.compare(QLatin1String(EndpointConfig::bearerHeader), Qt::CaseInsensitive) !=
            0)
            profile.keyHeader = keyHeader.toLatin1();
    }
    QString error;
    std::optional<int> connectMs, idleMs, totalMs;
    if (!secondsOption(parser, QStringLiteral("connect-timeout"), connectMs, &error) ||
        !secondsOption(parser, QStringLiteral("idle-timeout"), idleMs, &error) ||
        !secondsOption(parser, QStringLiteral("total-timeout"), totalMs, &error))
        return usageError(sub, error);
    profile.connectTimeoutMs = connectMs.value_or(profile.connectTimeoutMs);
    profile.idleTimeoutMs = idleMs.value_or(profile.idleTimeoutMs);
    profile.totalTimeoutMs = totalMs.value_or(profile.totalTimeoutMs);
    std::optional<qint64> maxRetries;
    if (!integerOption(parser, QStringLiteral("max-retries"), 0, EndpointConfig::maxRetriesLimit,
                       maxRetries, &error))
        return usageError(sub, error);
    profile.maxRetries = int(maxRetries.value_or(profile.maxRetries));

    if (parser.isSet(QStringLiteral("ca-file"))) {
        const QString path = parser.value(QStringLiteral("ca-file"));
        profile.caFile = path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
        EndpointConfig probe;
        probe.caFile = profile.caFile;
        QNetworkRequest request;
        if (const auto tlsError = probe.applyTls(request))
            return usageError(sub, tlsError->message);
    }
    profile.sendStreamOptions = !parser.isSet(QStringLiteral("no-stream-options"));
    profile.sendPrediction = parser.isSet(QStringLiteral("predict"));
    profile.providerName = parser.value(QStringLiteral("provider")).trimmed();
    if (const QString error = EndpointProfile::providerNameError(profile.providerName);
        !error.isEmpty())
        return usageError(sub, QStringLiteral("--provider: ") + error);

    ProfileStore store;
    const std::optional<EndpointProfile> existing = store.profile(profile.name);
    if (existing && !parser.isSet(QStringLiteral("replace")))
        return failure(sub, QStringLiteral("a profile named \"%1\" already exists; add --replace "
                                           "to overwrite it")
                                .arg(profile.name));
    if (existing) {
        profile.hasKey = existing->hasKey; // kept unless a new key comes
        profile.probe = existing->probe;   // edited with `profile probe`
    }
    // Secret values given now go to the keychain; an empty one keeps what is stored (or comes
    // from the environment).
    ProfileSecrets::Values secretValues;
    for (const auto& [name, value] : std::as_const(profile.extraHeaders)) {
        if (profile.isSecretHeader(name) && !value.isEmpty())
            secretValues.append({name, value});
    }
    // Entries of secret headers the new profile no longer has.
    QList<QByteArray> staleSecrets;
    if (existing) {
        for (const auto& [name, value] : existing->extraHeaders) {
            if (existing->isSecretHeader(name) && !profile.isSecretHeader(name))
                staleSecrets.append(name);
        }
    }
    if (const QString problem = store.validationError(profile); !problem.isEmpty())
        return failure(sub, problem);

    std::optional<QString> key;
    if (parser.isSet(QStringLiteral("api-key-stdin"))) {
        key = readKeyFromStdin(profile.name, &error);
        if (!key)
            return usageError(sub, error);
    }

    if (EndpointProfile::isInsecureRemote(profile.baseUrl))
        writeErr(insecureWarning(profile.baseUrl));

    auto save = [&store, sub](EndpointProfile profile, const QString& keyNote) {
        QString error;
        if (!store.save(profile, &error))
            return failure(sub, error);
        writeOut(QStringLiteral("Saved profile \"%1\": %2 (key: %3)\n")
                     .arg(profile.name, EndpointConfig::displayUrl(profile.baseUrl), keyNote));
        return 0;
    };

    // The secrets first: a profile must never claim a key or a value the keychain does not
    // hold. The key, then the header values, then the profile, then the entries of secret
    // headers it no longer has.
    int result = 1;
    QObject context;
    KeyStore keys;
    const auto finish = [&](const EndpointProfile& saved, const QString& keyNote) {
        result = save(saved, keyNote);
        if (result != 0 || staleSecrets.isEmpty())
            return QCoreApplication::exit(result);
        ProfileSecrets::remove(saved.name, staleSecrets, &context, [](const QString& error) {
            if (!error.isEmpty())
                writeErr(QStringLiteral("warning: %1\n").arg(error));
            QCoreApplication::exit(0);
        });
    };
    const auto writeHeaders = [&](const EndpointProfile& profile, const QString& keyNote) {
        if (secretValues.isEmpty())
            return finish(profile, keyNote);
        ProfileSecrets::write(profile.name, secretValues, &context,
                              [&, profile, keyNote](const QString& error) {
                                  if (error.isEmpty())
                                      return finish(profile, keyNote);
                                  result = failure(sub, error);
                                  QCoreApplication::exit(result);
                              });
    };
    if (!key) {
        const QString note =
            KeyStore::keyFromEnvironment(profile.name)
                ? QStringLiteral("from %1").arg(KeyStore::environmentVariable(profile.name))
            : profile.hasKey ? QStringLiteral("kept in the keychain")
                             : QStringLiteral("none");
        QMetaObject::invokeMethod(
            &context, [&, profile, note] { writeHeaders(profile, note); }, Qt::QueuedConnection);
    } else {
        keys.writeKey(profile.name, *key, &context,
                      [&, profile](const KeyStore::Result& written) mutable {
                          if (!written.ok) {
                              result = failure(sub, written.error);
                              return QCoreApplication::exit(result);
                          }
                          profile.hasKey = true;
                          writeHeaders(profile, QStringLiteral("in the keychain"));
                      });
        key->fill(QLatin1Char('\0'));
    }
    QCoreApplication::exec();
    for (auto& [name, value] : secretValues)
        value.fill('\0');
    return result;
}

// ---- list --------------------------------------------------------------------------------

int runList(const QStringList& arguments)
{
    const QString sub = QStringLiteral("list");
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("json"), QStringLiteral("JSON.")});
    int exitCode = 0;
    if (!parse(parser, arguments, sub, &exitCode))
        return exitCode;
    if (parser.isSet(QStringLiteral("help"))) {
        writeOut(QString::fromUtf8(profilehelp::listHelp));
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(
            sub,
            QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().first()));

    const ProfileStore store;
    QList<EndpointProfile> profiles = store.profiles();
    if (auto environment = EndpointProfile::fromEnvironment())
        profiles.append(*environment);
    EndpointProfile demo;
    demo.kind = EndpointProfile::Kind::Demo;
    demo.name = EndpointProfile::demoName;
    demo.defaultModel = DemoServer::modelNames().value(0);
    profiles.append(demo);

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const EndpointProfile& profile : std::as_const(profiles)) {
            const bool builtIn = profile.kind == EndpointProfile::Kind::Demo;
            QJsonArray headerNames, secretNames; // names only: a value may be a credential
            for (const auto& header : profile.extraHeaders) {
                headerNames.append(QString::fromLatin1(header.first));
                if (profile.isSecretHeader(header.first))
                    secretNames.append(QString::fromLatin1(header.first));
            }
            QJsonObject object{
                {QStringLiteral("name"), profile.name},
                {QStringLiteral("kind"), profile.kind == EndpointProfile::Kind::Saved ? "saved"
                                         : builtIn                                    ? "demo"
                                                   : "environment"},
                {QStringLiteral("base_url"),
                 builtIn ? QJsonValue(QStringLiteral("built-in"))
                         : QJsonValue(EndpointConfig::displayUrl(profile.baseUrl))},
                {QStringLiteral("default_model"), profile.defaultModel.isEmpty()
                                                      ? QJsonValue(QJsonValue::Null)
                                                      : QJsonValue(profile.defaultModel)},
                {QStringLiteral("key"), profile.keySource()},
                {QStringLiteral("key_header"), profile.keyHeader.isEmpty()
                                                   ? QStringLiteral("Authorization: Bearer")
                                                   : QString::fromLatin1(profile.keyHeader)},
                {QStringLiteral("header_names"), headerNames},
                {QStringLiteral("secret_headers"), secretNames},
                {QStringLiteral("connect_timeout_s"), profile.connectTimeoutMs / 1000.0},
                {QStringLiteral("idle_timeout_s"), profile.idleTimeoutMs / 1000.0},
                {QStringLiteral("total_timeout_s"),
                 profile.totalTimeoutMs > 0 ? QJsonValue(profile.totalTimeoutMs / 1000.0)
                                            : QJsonValue(QJsonValue::Null)},
                {QStringLiteral("max_retries"), profile.maxRetries},
                {QStringLiteral("ca_file"), profile.caFile.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                     : QJsonValue(profile.caFile)},
                {QStringLiteral("send_stream_options"), profile.sendStreamOptions},
                {QStringLiteral("send_prediction"), profile.sendPrediction},
                {QStringLiteral("provider"),
                 profile.providerName.isEmpty() ? QStringLiteral("openai") : profile.providerName},
                {QStringLiteral("insecure"),
                 !builtIn && EndpointProfile::isInsecureRemote(profile.baseUrl)},
            };
            array.append(object);
        }
        writeOut(QJsonDocument(array).toJson(QJsonDocument::Indented)); // exact
        return 0;
    }

    struct Row
    {
        QString name, url, model, key, headers;
    };
    QList<Row> rows{{QStringLiteral("NAME"), QStringLiteral("BASE URL"), QStringLiteral("MODEL"),
                     QStringLiteral("KEY"), QStringLiteral("HEADERS")}};
    for (const EndpointProfile& profile : std::as_const(profiles)) {
        const bool builtIn = profile.kind == EndpointProfile::Kind::Demo;
        QString url =
            builtIn ? QStringLiteral("built-in") : EndpointConfig::displayUrl(profile.baseUrl);
        if (!builtIn && EndpointProfile::isInsecureRemote(profile.baseUrl))
            url += QStringLiteral(" (unencrypted)");
        // Names only; a secret header says where its value is, never what it is.
        QStringList headers;
        for (const auto& header : profile.extraHeaders) {
            headers << QString::fromLatin1(header.first) + (profile.isSecretHeader(header.first)
                                                                ? QStringLiteral(" (secret)")
                                                                : QString());
        }
        rows.append({profile.name, url,
                     profile.defaultModel.isEmpty() ? QStringLiteral("-") : profile.defaultModel,
                     profile.keySource(),
                     headers.isEmpty() ? QStringLiteral("-") : headers.join(QStringLiteral(", "))});
    }
    qsizetype nameWidth = 0, urlWidth = 0, modelWidth = 0, keyWidth = 0;
    for (const Row& row : std::as_const(rows)) {
        nameWidth = std::max(nameWidth, row.name.size());
        urlWidth = std::max(urlWidth, row.url.size());
        modelWidth = std::max(modelWidth, row.model.size());
        keyWidth = std::max(keyWidth, row.key.size());
    }
    QString text;
    for (const Row& row : std::as_const(rows)) {
        text += QStringLiteral("%1  %2  %3  %4  %5\n")
                    .arg(row.name, -int(nameWidth))
                    .arg(row.url, -int(urlWidth))
                    .arg(row.model, -int(modelWidth))
                    .arg(row.key, -int(keyWidth))
                    .arg(row.headers);
    }
    writeOut(text);
    return 0;
}

// ---- remove ------------------------------------------------------------------------------

int runRemove(const QStringList& arguments)
{
    const QString sub = QStringLiteral("remove");
    QCommandLineParser parser;
    int exitCode = 0;
    if (!parse(parser, arguments, sub, &exitCode))
        return exitCode;
    if (parser.isSet(QStringLiteral("help"))) {
        writeOut(QString::fromUtf8(profilehelp::removeHelp));
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(sub, QStringLiteral("one profile name expected; see --help"));
    const QString name = positional.first();
    if (name.compare(EndpointProfile::demoName, Qt::CaseInsensitive) == 0 ||
        name.compare(EndpointProfile::environmentName, Qt::CaseInsensitive) == 0)
        return failure(sub, QStringLiteral("\"%1\" is built in and cannot be removed").arg(name));

    ProfileStore store;
    const std::optional<EndpointProfile> profile = store.find(name);
    if (!profile)
        return failure(
            sub, QStringLiteral("no profile named \"%1\"; saved: %2").arg(name, knownNames(store)));

    auto removeProfile = [&store, sub, profile](bool keyRemoved) {
        if (!store.remove(profile->name))
            return failure(sub, QStringLiteral("could not remove \"%1\" from %2")
                                    .arg(profile->name, store.fileName()));
        writeOut(QStringLiteral("Removed profile \"%1\"%2\n")
                     .arg(profile->name, keyRemoved
                                             ? QStringLiteral(" and its key from the keychain")
                                             : QString()));
        return 0;
    };
    const QList<QByteArray> secretHeaders = profile->secretHeaderNames();
    if (!profile->hasKey && secretHeaders.isEmpty())
        return removeProfile(false);

    // The key and the secret header values first, so that none is left behind unnamed.
    KeyStore keys;
    int result = 1;
    QObject context;
    const auto removeHeaders = [&] {
        ProfileSecrets::remove(profile->name, secretHeaders, &context, [&](const QString& error) {
            result = error.isEmpty()
                         ? removeProfile(profile->hasKey)
                         : failure(sub, error + QStringLiteral("; the profile is kept"));
            QCoreApplication::exit(result);
        });
    };
    if (profile->hasKey) {
        keys.removeKey(profile->name, &context, [&](const KeyStore::Result& removed) {
            if (removed.ok)
                return removeHeaders();
            result = failure(sub, removed.error + QStringLiteral("; the profile is kept"));
            QCoreApplication::exit(result);
        });
    } else {
        removeHeaders();
    }
    QCoreApplication::exec();
    return result;
}

// ---- test --------------------------------------------------------------------------------

int runTest(const QStringList& arguments)
{
    const QString sub = QStringLiteral("test");
    QCommandLineParser parser;
    int exitCode = 0;
    if (!parse(parser, arguments, sub, &exitCode))
        return exitCode;
    if (parser.isSet(QStringLiteral("help"))) {
        writeOut(QString::fromUtf8(profilehelp::testHelp));
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(sub, QStringLiteral("one profile name expected; see --help"));

    ProfileTestRun run(positional.first());
    QMetaObject::invokeMethod(
        &run, [&run] { run.start(); }, Qt::QueuedConnection);
    return QCoreApplication::exec();
}

} // namespace

int runProfileCommand(const QStringList& arguments)
{
    const QString sub = arguments.value(1);
    if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h") ||
        sub == QLatin1String("help")) {
        if (sub.isEmpty())
            writeErr(QString::fromUtf8(profilehelp::usageText));
        else
            writeOut(QString::fromUtf8(profilehelp::usageText));
        return sub.isEmpty() ? 2 : 0;
    }
    if (sub == QLatin1String("add"))
        return runAdd(arguments);
    if (sub == QLatin1String("list"))
        return runList(arguments);
    if (sub == QLatin1String("remove") || sub == QLatin1String("rm"))
        return runRemove(arguments);
    if (sub == QLatin1String("test"))
        return runTest(arguments);
    if (sub == QLatin1String("probe"))
        return runProfileProbeCommand(arguments);
    return usageError(QString(), QStringLiteral("unknown subcommand \"%1\"; use add, list, "
                                                "remove, test or probe (see --help)")
                                     .arg(sub));
}

} // namespace adminchat
