#include "ProfileCommand.h"

#include "demo/DemoServer.h"
#include "demo/DemoServerThread.h"
#include "endpoints/EndpointProfile.h"
#include "endpoints/KeyStore.h"
#include "endpoints/ProfileResolver.h"
#include "endpoints/ProfileStore.h"
#include "net/ModelsFetcher.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <cstdio>
#include <termios.h>
#include <unistd.h>

namespace adminchat {

namespace {

const char* const usageText = R"(Usage: adminchat profile add NAME --base-url URL [OPTIONS]
       adminchat profile list [--json]
       adminchat profile remove NAME
       adminchat profile test NAME

Endpoint profiles: a name for a base URL with its model, headers, timeouts and CA file. Profiles
are saved in the settings file; their API keys go to the OS keychain (Secret Service), never to a
file. Without a keychain, pass a profile's key as ADMINCHAT_API_KEY_<NAME> (the name upper-cased,
other characters as _); that variable is used before the keychain when set.

Built-in profiles: Environment (OPENAI_BASE_URL and OPENAI_API_KEY, when set) and Demo (the
simulated endpoint). `adminchat profile COMMAND --help` shows a command's options.
)";

const char* const addHelp = R"(Usage: adminchat profile add NAME --base-url URL [OPTIONS]

Saves an endpoint profile. With --api-key-stdin the key is read from stdin (not echoed on a
terminal) and stored in the OS keychain before the profile is saved; when no keychain answers,
nothing is saved.

Options:
  --base-url URL          Endpoint base URL, e.g. https://api.example.com/v1 (required).
  --model M               Default model.
  --header K:V            Extra request header, repeatable.
  --connect-timeout S     Seconds to connect and send a request (default 10).
  --idle-timeout S        Longest silence from the server in seconds (default 60).
  --total-timeout S       Limit for a whole answer in seconds (default none).
  --ca-file FILE          PEM file of extra CA certificates to trust (private CA,
                          self-signed server); TLS verification stays on.
  --no-stream-options     Never send stream_options (servers that reject it; otherwise
                          a rejected request is retried once without it).
  --api-key-stdin         Read the API key from stdin.
  --replace               Replace an existing profile of that name (its stored key is kept
                          unless --api-key-stdin gives a new one).
  -h, --help              Show this help.
)";

const char* const listHelp = R"(Usage: adminchat profile list [--json]

Lists the profiles: name, base URL, default model and where the key comes from ("keychain",
"env" for ADMINCHAT_API_KEY_<NAME> or OPENAI_API_KEY, "none"). Never prints a key and never
asks the keychain.

Options:
  --json       One JSON array.
  -h, --help   Show this help.
)";

const char* const removeHelp = R"(Usage: adminchat profile remove NAME

Removes a saved profile and its key from the keychain. When the keychain cannot be reached the
profile is kept, so that its key is not left behind unnamed.

Options:
  -h, --help   Show this help.
)";

const char* const testHelp = R"(Usage: adminchat profile test NAME

Lists the endpoint's models (GET {base}/models) with the profile's headers, CA file and key, and
prints how many there are, the first ones and the round trip. Exit status 1 when that fails.

Options:
  -h, --help   Show this help.
)";

constexpr qsizetype maxKeyBytes = 64 * 1024;

void writeOut(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void writeErr(const QString& text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stderr);
    std::fflush(stderr);
}

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

// Parses "--name S" seconds into milliseconds.
bool secondsOption(const QCommandLineParser& parser, const QString& name, int& ms, QString& error)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const double seconds = parser.value(name).toDouble(&ok);
    if (!ok || seconds < 0 || seconds > 24 * 3600) {
        error = QStringLiteral("--%1 needs a number of seconds, got \"%2\"")
                    .arg(name, parser.value(name));
        return false;
    }
    ms = int(seconds * 1000);
    return true;
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

// The key from stdin: a line typed without echo on a terminal, else all of stdin, trimmed.
std::optional<QString> readKey(const QString& profile, QString* error)
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read stdin");
        return std::nullopt;
    }
    QByteArray bytes;
    if (isatty(STDIN_FILENO)) {
        writeErr(QStringLiteral("API key for \"%1\" (not shown): ").arg(profile));
        termios saved{};
        const bool terminal = tcgetattr(STDIN_FILENO, &saved) == 0;
        if (terminal) {
            termios quiet = saved;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        bytes = in.readLine(maxKeyBytes + 1);
        if (terminal)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        writeErr(QStringLiteral("\n"));
    } else {
        bytes = in.read(maxKeyBytes + 1);
    }
    if (bytes.size() > maxKeyBytes) {
        *error = QStringLiteral("the key on stdin is longer than %1 bytes").arg(maxKeyBytes);
        return std::nullopt;
    }
    const QString key = QString::fromUtf8(bytes).trimmed();
    if (key.isEmpty()) {
        *error = QStringLiteral("--api-key-stdin: no key on stdin");
        return std::nullopt;
    }
    for (const QChar c : key) {
        if (c.category() == QChar::Other_Control || c.isSpace()) {
            *error = QStringLiteral("--api-key-stdin: the key on stdin contains spaces, line "
                                    "breaks or control characters");
            return std::nullopt;
        }
    }
    return key;
}

// Exact name first, else the one name that differs only in case.
std::optional<EndpointProfile> findProfile(const ProfileStore& store, const QString& name)
{
    if (auto profile = store.profile(name))
        return profile;
    std::optional<EndpointProfile> match;
    for (const EndpointProfile& profile : store.profiles()) {
        if (profile.name.compare(name, Qt::CaseInsensitive) != 0)
            continue;
        if (match)
            return std::nullopt;
        match = profile;
    }
    return match;
}

QString knownNames(const ProfileStore& store)
{
    QStringList names;
    for (const EndpointProfile& profile : store.profiles())
        names << profile.name;
    return names.isEmpty() ? QStringLiteral("none saved yet (see `adminchat profile add --help`)")
                           : names.join(QStringLiteral(", "));
}

QString keySource(const EndpointProfile& profile)
{
    if (profile.kind == EndpointProfile::Kind::Environment)
        return qEnvironmentVariableIsEmpty("OPENAI_API_KEY") ? QStringLiteral("none")
                                                             : QStringLiteral("env");
    if (profile.kind == EndpointProfile::Kind::Demo)
        return QStringLiteral("none");
    if (KeyStore::keyFromEnvironment(profile.name))
        return QStringLiteral("env");
    return profile.hasKey ? QStringLiteral("keychain") : QStringLiteral("none");
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
        {QStringLiteral("connect-timeout"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("idle-timeout"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("total-timeout"), QStringLiteral("Seconds."), QStringLiteral("S")},
        {QStringLiteral("ca-file"), QStringLiteral("PEM file."), QStringLiteral("FILE")},
        {QStringLiteral("no-stream-options"), QStringLiteral("No stream_options.")},
        {QStringLiteral("api-key-stdin"), QStringLiteral("Key on stdin.")},
        {QStringLiteral("replace"), QStringLiteral("Replace.")},
    });
    int exitCode = 0;
    if (!parse(parser, arguments, sub, &exitCode))
        return exitCode;
    if (parser.isSet(QStringLiteral("help"))) {
        writeOut(QString::fromUtf8(addHelp));
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
    const QString base = parser.value(QStringLiteral("base-url")).trimmed();
    const QUrl url = QUrl::fromUserInput(base);
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return usageError(sub, QStringLiteral("invalid base URL \"%1\": expected "
                                              "http(s)://host[:port][/v1]")
                                   .arg(EndpointConfig::displayUrl(url)));
    if (!url.userInfo().isEmpty())
        return usageError(sub, QStringLiteral("the base URL carries a user name or password; "
                                              "pass the key with --api-key-stdin instead"));
    if (url.hasQuery())
        return usageError(sub, QStringLiteral("the base URL has a query (\"?...\"); give the "
                                              "base URL only, and a key with --api-key-stdin"));
    profile.baseUrl = EndpointConfig::normalizeBaseUrl(url);
    profile.defaultModel = parser.value(QStringLiteral("model")).trimmed();

    for (const QString& text : parser.values(QStringLiteral("header"))) {
        QString error;
        const auto header = EndpointProfile::parseHeader(text, &error);
        if (!header)
            return usageError(sub, error);
        profile.extraHeaders.append(*header);
    }
    QString error;
    if (!secondsOption(parser, QStringLiteral("connect-timeout"), profile.connectTimeoutMs,
                       error) ||
        !secondsOption(parser, QStringLiteral("idle-timeout"), profile.idleTimeoutMs, error) ||
        !secondsOption(parser, QStringLiteral("total-timeout"), profile.totalTimeoutMs, error))
        return usageError(sub, error);

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

    ProfileStore store;
    const std::optional<EndpointProfile> existing = store.profile(profile.name);
    if (existing && !parser.isSet(QStringLiteral("replace")))
        return failure(sub, QStringLiteral("a profile named \"%1\" already exists; add --replace "
                                           "to overwrite it")
                                .arg(profile.name));
    if (existing)
        profile.hasKey = existing->hasKey; // kept unless a new key comes
    if (const QString problem = store.validationError(profile); !problem.isEmpty())
        return failure(sub, problem);

    std::optional<QString> key;
    if (parser.isSet(QStringLiteral("api-key-stdin"))) {
        key = readKey(profile.name, &error);
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

    if (!key) {
        const QString note =
            KeyStore::keyFromEnvironment(profile.name)
                ? QStringLiteral("from %1").arg(KeyStore::environmentVariable(profile.name))
            : profile.hasKey ? QStringLiteral("kept in the keychain")
                             : QStringLiteral("none");
        return save(profile, note);
    }

    // The key first: a profile must never claim a key the keychain does not hold.
    KeyStore keys;
    int result = 1;
    QObject context;
    keys.writeKey(profile.name, *key, &context,
                  [&, profile](const KeyStore::Result& written) mutable {
                      if (!written.ok) {
                          result = failure(sub, written.error);
                      } else {
                          profile.hasKey = true;
                          result = save(profile, QStringLiteral("in the keychain"));
                      }
                      QCoreApplication::exit(result);
                  });
    key->fill(QLatin1Char('\0'));
    QCoreApplication::exec();
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
        writeOut(QString::fromUtf8(listHelp));
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
            QJsonArray headerNames; // names only: a value may be a credential
            for (const auto& header : profile.extraHeaders)
                headerNames.append(QString::fromLatin1(header.first));
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
                {QStringLiteral("key"), keySource(profile)},
                {QStringLiteral("header_names"), headerNames},
                {QStringLiteral("connect_timeout_s"), profile.connectTimeoutMs / 1000.0},
                {QStringLiteral("idle_timeout_s"), profile.idleTimeoutMs / 1000.0},
                {QStringLiteral("total_timeout_s"),
                 profile.totalTimeoutMs > 0 ? QJsonValue(profile.totalTimeoutMs / 1000.0)
                                            : QJsonValue(QJsonValue::Null)},
                {QStringLiteral("ca_file"), profile.caFile.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                     : QJsonValue(profile.caFile)},
                {QStringLiteral("send_stream_options"), profile.sendStreamOptions},
                {QStringLiteral("insecure"),
                 !builtIn && EndpointProfile::isInsecureRemote(profile.baseUrl)},
            };
            array.append(object);
        }
        writeOut(QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Indented)));
        return 0;
    }

    struct Row
    {
        QString name, url, model, key;
    };
    QList<Row> rows{{QStringLiteral("NAME"), QStringLiteral("BASE URL"), QStringLiteral("MODEL"),
                     QStringLiteral("KEY")}};
    for (const EndpointProfile& profile : std::as_const(profiles)) {
        const bool builtIn = profile.kind == EndpointProfile::Kind::Demo;
        QString url =
            builtIn ? QStringLiteral("built-in") : EndpointConfig::displayUrl(profile.baseUrl);
        if (!builtIn && EndpointProfile::isInsecureRemote(profile.baseUrl))
            url += QStringLiteral(" (unencrypted)");
        rows.append({profile.name, url,
                     profile.defaultModel.isEmpty() ? QStringLiteral("-") : profile.defaultModel,
                     keySource(profile)});
    }
    qsizetype nameWidth = 0, urlWidth = 0, modelWidth = 0;
    for (const Row& row : std::as_const(rows)) {
        nameWidth = std::max(nameWidth, row.name.size());
        urlWidth = std::max(urlWidth, row.url.size());
        modelWidth = std::max(modelWidth, row.model.size());
    }
    QString text;
    for (const Row& row : std::as_const(rows)) {
        text += QStringLiteral("%1  %2  %3  %4\n")
                    .arg(row.name, -int(nameWidth))
                    .arg(row.url, -int(urlWidth))
                    .arg(row.model, -int(modelWidth))
                    .arg(row.key);
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
        writeOut(QString::fromUtf8(removeHelp));
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
    const std::optional<EndpointProfile> profile = findProfile(store, name);
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
    if (!profile->hasKey)
        return removeProfile(false);

    KeyStore keys;
    int result = 1;
    QObject context;
    keys.removeKey(profile->name, &context, [&](const KeyStore::Result& removed) {
        result = removed.ok ? removeProfile(true)
                            : failure(sub, removed.error + QStringLiteral("; the profile is kept"));
        QCoreApplication::exit(result);
    });
    QCoreApplication::exec();
    return result;
}

// ---- test --------------------------------------------------------------------------------

class TestRun : public QObject
{
public:
    explicit TestRun(QString name) : m_name(std::move(name)) {}

    void start()
    {
        if (m_name.compare(EndpointProfile::demoName, Qt::CaseInsensitive) == 0) {
            startDemo();
            return;
        }
        m_resolver.resolve(m_name, this, [this](const ProfileResolver::Result& resolved) {
            if (!resolved.ok()) {
                finish(failure(QStringLiteral("test"), resolved.error));
                return;
            }
            fetch(resolved.profile->name, keySource(*resolved.profile), resolved.config);
        });
    }

private:
    void startDemo()
    {
        auto config = DemoConfig::fromProfile(QStringLiteral("instant"));
        m_demo = new DemoServerThread(*config, this);
        connect(m_demo, &DemoServerThread::started, this, [this](const QUrl& baseUrl) {
            EndpointConfig endpoint;
            endpoint.baseUrl = baseUrl;
            fetch(EndpointProfile::demoName, QStringLiteral("none"), endpoint);
        });
        connect(m_demo, &DemoServerThread::failed, this, [this](const QString& error) {
            finish(failure(QStringLiteral("test"),
                           QStringLiteral("the demo endpoint did not start: %1").arg(error)));
        });
        m_demo->start();
    }

    void fetch(const QString& name, const QString& keyNote, const EndpointConfig& endpoint)
    {
        writeOut(QStringLiteral("Profile \"%1\": %2 (key: %3)\n")
                     .arg(name, EndpointConfig::displayUrl(endpoint.baseUrl), keyNote));
        auto* fetcher = new ModelsFetcher(&m_manager, endpoint, this);
        connect(
            fetcher, &ModelsFetcher::finished, this,
            [this, fetcher](const QStringList& models, const std::optional<ApiError>& error) {
                const qint64 ms = m_clock.elapsed();
                fetcher->deleteLater();
                if (error) {
                    finish(failure(
                        QStringLiteral("test"),
                        QStringLiteral("error (%1): %2").arg(error->kindName(), error->message)));
                    return;
                }
                constexpr qsizetype shown = 5;
                QString list = models.mid(0, shown).join(QStringLiteral(", "));
                if (models.size() > shown)
                    list += QStringLiteral(", ... (%1 more)").arg(models.size() - shown);
                writeOut(QStringLiteral("OK: %1 model%2 in %3 ms%4\n")
                             .arg(models.size())
                             .arg(models.size() == 1 ? "" : "s")
                             .arg(ms)
                             .arg(models.isEmpty() ? QString() : QStringLiteral(": ") + list));
                finish(0);
            });
        m_clock.start();
        fetcher->start();
    }

    void finish(int code) { QCoreApplication::exit(code); }

    QString m_name;
    ProfileResolver m_resolver;
    QNetworkAccessManager m_manager;
    QElapsedTimer m_clock;
    DemoServerThread* m_demo = nullptr;
};

int runTest(const QStringList& arguments)
{
    const QString sub = QStringLiteral("test");
    QCommandLineParser parser;
    int exitCode = 0;
    if (!parse(parser, arguments, sub, &exitCode))
        return exitCode;
    if (parser.isSet(QStringLiteral("help"))) {
        writeOut(QString::fromUtf8(testHelp));
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return usageError(sub, QStringLiteral("one profile name expected; see --help"));

    TestRun run(positional.first());
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
        (sub.isEmpty() ? writeErr : writeOut)(QString::fromUtf8(usageText));
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
    return usageError(QString(), QStringLiteral("unknown subcommand \"%1\"; use add, list, "
                                                "remove or test (see --help)")
                                     .arg(sub));
}

} // namespace adminchat
