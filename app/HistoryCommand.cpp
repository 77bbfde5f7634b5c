#include "HistoryCommand.h"

#include "CommandLine.h"
#include "store/ConversationExporter.h"
#include "store/ConversationStore.h"

#include <QCommandLineParser>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <cstdio>

namespace adminchat {

namespace {

const char* const usage = R"(Usage: adminchat history list [--json] [--search TEXT] [--limit N]
       adminchat history show ID
       adminchat history export ID [--format md|json] [-o FILE]
       adminchat history delete ID

Conversations are saved as you chat. `list` shows them, newest first; --search keeps those whose
title or messages contain TEXT (case-insensitive). `show` prints one as a readable transcript.
`export` writes it as Markdown (the default) or JSON, to stdout or to FILE. `delete` removes it
for good. ID may be the start of an id, as long as only one conversation has it.
)";

int usageError(const QString& message)
{
    writeErr(QStringLiteral("adminchat history: %1\n").arg(message));
    return 2;
}

int failure(const QString& message)
{
    writeErr(QStringLiteral("adminchat history: %1\n").arg(message));
    return 1;
}

QString isoUtc(const QDateTime& time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

int list(ConversationStore& store, const QCommandLineParser& parser)
{
    int limit = -1;
    if (parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        limit = parser.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1)
            return usageError(QStringLiteral("--limit needs a positive number, got \"%1\"")
                                  .arg(parser.value(QStringLiteral("limit"))));
    }
    QString error;
    const QList<ConversationRecord> found =
        store.conversations(parser.value(QStringLiteral("search")), limit, &error);
    if (!error.isEmpty())
        return failure(error);

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const ConversationRecord& c : found) {
            QJsonObject o{{QStringLiteral("id"), c.id},
                          {QStringLiteral("title"), c.title},
                          {QStringLiteral("created"), isoUtc(c.createdUtc)},
                          {QStringLiteral("updated"), isoUtc(c.updatedUtc)},
                          {QStringLiteral("profile"), c.profile},
                          {QStringLiteral("model"), c.model},
                          {QStringLiteral("experiment"), c.experiment},
                          {QStringLiteral("variant"), c.variant},
                          {QStringLiteral("messages"), c.messageCount}};
            if (!c.snippet.isEmpty())
                o.insert(QStringLiteral("snippet"), c.snippet);
            array.append(o);
        }
        writeOut(QJsonDocument(array).toJson(QJsonDocument::Indented));
        return 0;
    }
    if (found.isEmpty()) {
        std::fputs(parser.isSet(QStringLiteral("search")) ? "no conversation matches\n"
                                                          : "no saved conversations\n",
                   stderr);
        return 0;
    }
    QString out;
    out += QStringLiteral("%1  %2  %3  %4  %5\n")
               .arg(QStringLiteral("id"), -16)
               .arg(QStringLiteral("updated"), -16)
               .arg(QStringLiteral("msgs"), 4)
               .arg(QStringLiteral("model"), -20)
               .arg(QStringLiteral("title"));
    for (const ConversationRecord& c : found) {
        out +=
            QStringLiteral("%1  %2  %3  %4  %5\n")
                .arg(c.id, -16)
                .arg(c.updatedUtc.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")), -16)
                .arg(c.messageCount, 4)
                .arg(c.model.left(20), -20)
                .arg(c.title.isEmpty() ? QStringLiteral("(untitled)") : c.title);
        if (!c.snippet.isEmpty())
            out += QStringLiteral("    %1\n").arg(c.snippet);
    }
    writeOut(out);
    return 0;
}

// The conversation ID names, with its messages; on failure returns the exit code in *code.
bool load(ConversationStore& store, const QString& idOrPrefix, ConversationRecord* conversation,
          QList<MessageRecord>* messages, int* code)
{
    QString error;
    const QString id = store.resolveId(idOrPrefix, &error);
    std::optional<ConversationRecord> found;
    if (!id.isEmpty())
        found = store.conversation(id, &error);
    if (found)
        *messages = store.messages(id, &error);
    if (!found || !error.isEmpty()) {
        *code = failure(error.isEmpty() ? QStringLiteral("no conversation \"%1\"").arg(idOrPrefix)
                                        : error);
        return false;
    }
    *conversation = *found;
    return true;
}

int exportConversation(ConversationStore& store, const QString& idOrPrefix, bool show,
                       const QCommandLineParser& parser)
{
    const QString format =
        show ? QStringLiteral("md") : parser.value(QStringLiteral("format")).toLower();
    if (format != QLatin1String("md") && format != QLatin1String("json"))
        return usageError(QStringLiteral("--format needs md or json, got \"%1\"").arg(format));
    ConversationRecord conversation;
    QList<MessageRecord> messages;
    int code = 0;
    if (!load(store, idOrPrefix, &conversation, &messages, &code))
        return code;
    const QByteArray bytes =
        format == QLatin1String("json")
            ? ConversationExporter::toJson(conversation, messages)
            : ConversationExporter::toMarkdown(conversation, messages).toUtf8();
    const QString path = show ? QString() : parser.value(QStringLiteral("output"));
    if (show) {
        writeOut(QString::fromUtf8(bytes)); // for people: made safe for the terminal
        return 0;
    }
    if (path.isEmpty() || path == QLatin1String("-")) {
        writeOut(bytes); // an export is data: exact
        return 0;
    }
    // Written whole or not at all: a failed export never leaves half a file behind.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        return failure(QStringLiteral("cannot write %1: %2")
                           .arg(QDir::toNativeSeparators(path), file.errorString()));
    std::fprintf(stderr, "wrote conversation %s to %s\n", qPrintable(conversation.id),
                 qPrintable(QDir::toNativeSeparators(path)));
    return 0;
}

int remove(ConversationStore& store, const QString& idOrPrefix)
{
    ConversationRecord conversation;
    QList<MessageRecord> messages;
    int code = 0;
    if (!load(store, idOrPrefix, &conversation, &messages, &code))
        return code;
    QString error;
    if (!store.remove(conversation.id, &error))
        return failure(error);
    writeOut(QStringLiteral("deleted conversation %1 \"%2\" (%3 messages)\n")
                 .arg(conversation.id, conversation.title)
                 .arg(messages.size()));
    return 0;
}

} // namespace

int runHistoryCommand(const QStringList& arguments)
{
    const QString sub = arguments.value(1);
    if (sub.isEmpty() || sub == QLatin1String("--help") || sub == QLatin1String("-h") ||
        sub == QLatin1String("help")) {
        std::fputs(usage, sub.isEmpty() ? stderr : stdout);
        return sub.isEmpty() ? 2 : 0;
    }
    const QStringList subcommands{QStringLiteral("list"), QStringLiteral("show"),
                                  QStringLiteral("export"), QStringLiteral("delete")};
    if (!subcommands.contains(sub))
        return usageError(
            QStringLiteral("unknown subcommand \"%1\"; use list, show, export or delete").arg(sub));

    QCommandLineParser parser;
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    if (sub == QLatin1String("list"))
        parser.addOptions({
            {QStringLiteral("json"), QStringLiteral("JSON output.")},
            {QStringLiteral("search"), QStringLiteral("Text to look for."), QStringLiteral("TEXT")},
            {QStringLiteral("limit"), QStringLiteral("At most N."), QStringLiteral("N")},
        });
    if (sub == QLatin1String("export"))
        parser.addOptions({
            {QStringLiteral("format"), QStringLiteral("md or json."), QStringLiteral("FORMAT"),
             QStringLiteral("md")},
            {{QStringLiteral("o"), QStringLiteral("output")},
             QStringLiteral("Output file."),
             QStringLiteral("FILE")},
        });
    QStringList parsed = arguments;
    parsed.removeAt(1);
    if (!parser.parse(parsed))
        return usageError(parser.errorText());
    if (parser.isSet(help)) {
        std::fputs(usage, stdout);
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    const int wanted = sub == QLatin1String("list") ? 0 : 1;
    if (positional.size() < wanted)
        return usageError(QStringLiteral("%1 needs a conversation ID; see adminchat history "
                                         "list")
                              .arg(sub));
    if (positional.size() > wanted)
        return usageError(QStringLiteral("unexpected argument \"%1\"").arg(positional.at(wanted)));

    ConversationStore store(Database::defaultPath());
    QString error;
    if (!store.open(&error))
        return failure(error);
    if (!store.movedAsidePath().isEmpty())
        std::fprintf(stderr,
                     "adminchat history: the database was unreadable; it was moved to %s and a "
                     "new one started\n",
                     qPrintable(QDir::toNativeSeparators(store.movedAsidePath())));

    if (sub == QLatin1String("list"))
        return list(store, parser);
    if (sub == QLatin1String("delete"))
        return remove(store, positional.first());
    return exportConversation(store, positional.first(), sub == QLatin1String("show"), parser);
}

} // namespace adminchat
