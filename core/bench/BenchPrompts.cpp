#include "bench/BenchPrompts.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace adminchat {

namespace {

constexpr qint64 maxFileBytes = 256 * 1024 * 1024;

std::optional<QList<ChatMessage>> messagesOf(const QJsonObject& line, QString* problem)
{
    if (line.contains(QLatin1String("prompt"))) {
        const QJsonValue prompt = line.value(QLatin1String("prompt"));
        if (!prompt.isString() || prompt.toString().isEmpty()) {
            *problem = QStringLiteral("\"prompt\" must be a non-empty string");
            return std::nullopt;
        }
        return QList<ChatMessage>{{QStringLiteral("user"), prompt.toString()}};
    }
    const QJsonValue messages = line.value(QLatin1String("messages"));
    if (!messages.isArray() || messages.toArray().isEmpty()) {
        *problem =
            QStringLiteral("needs \"prompt\" (a string) or \"messages\" (a non-empty array)");
        return std::nullopt;
    }
    QList<ChatMessage> result;
    const QJsonArray array = messages.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject message = array.at(i).toObject();
        const QString role = message.value(QLatin1String("role")).toString();
        const QJsonValue content = message.value(QLatin1String("content"));
        if (role.isEmpty() || !content.isString()) {
            *problem =
                QStringLiteral("messages[%1] needs a \"role\" and a string \"content\"").arg(i);
            return std::nullopt;
        }
        result.append({role, content.toString()});
    }
    return result;
}

} // namespace

BenchPrompts BenchPrompts::fromText(const QString& prompt)
{
    BenchPrompts prompts;
    prompts.m_prompts.append({{QStringLiteral("user"), prompt}});
    return prompts;
}

std::optional<BenchPrompts> BenchPrompts::fromJsonlFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.size() > maxFileBytes) {
        *error = QStringLiteral("%1 is larger than 256 MiB").arg(path);
        return std::nullopt;
    }
    return fromJsonl(file.readAll(), QFileInfo(path).fileName(), error);
}

std::optional<BenchPrompts> BenchPrompts::fromJsonl(const QByteArray& data, const QString& name,
                                                    QString* error)
{
    BenchPrompts prompts;
    const QList<QByteArray> lines = data.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        QString problem;
        std::optional<QList<ChatMessage>> messages;
        if (parseError.error != QJsonParseError::NoError)
            problem = QStringLiteral("not JSON (%1 at column %2)")
                          .arg(parseError.errorString())
                          .arg(parseError.offset + 1);
        else if (!document.isObject())
            problem = QStringLiteral("not a JSON object");
        else
            messages = messagesOf(document.object(), &problem);
        if (!messages) {
            *error = QStringLiteral("%1:%2: %3").arg(name).arg(i + 1).arg(problem);
            return std::nullopt;
        }
        prompts.m_prompts.append(*messages);
    }
    if (prompts.m_prompts.isEmpty()) {
        *error = QStringLiteral("%1 holds no prompts").arg(name);
        return std::nullopt;
    }
    return prompts;
}

const QList<ChatMessage>& BenchPrompts::messagesFor(qint64 index) const
{
    return m_prompts.at(qsizetype(index % m_prompts.size()));
}

} // namespace adminchat
