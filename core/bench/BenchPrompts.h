#pragma once

#include "openai/ChatMessage.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace adminchat {

// The prompts of a load run: one text, or a JSONL file with one prompt per line, either
// {"prompt": "text"} or {"messages": [{"role": "user", "content": "text"}, ...]}. Request i
// sends prompt i modulo their number, so a run is the same every time.
class BenchPrompts
{
public:
    static BenchPrompts fromText(const QString& prompt);
    // std::nullopt with a one-line *error naming the file and the line.
    static std::optional<BenchPrompts> fromJsonlFile(const QString& path, QString* error);
    static std::optional<BenchPrompts> fromJsonl(const QByteArray& data, const QString& name,
                                                 QString* error);

    qsizetype size() const { return m_prompts.size(); }
    const QList<ChatMessage>& messagesFor(qint64 index) const;

private:
    QList<QList<ChatMessage>> m_prompts;
};

} // namespace adminchat
