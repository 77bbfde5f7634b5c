#pragma once

#include "openai/ChunkUpdate.h"

#include <QString>
#include <QStringView>

namespace adminchat {

// A single pass over the JSON text of one chat.completion.chunk that reads the fields
// ChunkDecoder fills without building a document. It accepts only a strict, common subset:
// one choice (index 0) whose delta carries content, reasoning, refusal and finish_reason as
// strings or null, usage and error null, no tool calls, plain JSON everywhere else. Anything
// else (including input that is merely unusual) is declined, so that the general QJsonDocument
// path decodes it and behaviour stays exactly the same.
class ChunkScanner
{
public:
    // data: the trimmed, non-empty payload of a message event. Returns true and fills update
    // when the chunk was decoded; returns false and leaves update untouched otherwise.
    static bool scan(QStringView data, ChunkUpdate& update);

private:
    explicit ChunkScanner(QStringView data);

    template <typename OnMember> bool scanObject(OnMember&& onMember);
    bool scanRoot();
    bool scanChoices();
    bool scanChoice();
    bool scanDelta();

    bool skipValue(int depth);
    bool skipArray(int depth);
    bool skipNumber();
    bool skipLiteral(QStringView word);
    bool readPlainString(QStringView& text);
    bool readString(QString* out);
    bool readNullableString(QString& out, bool& seen);
    bool readEscape(char32_t& code);
    bool readHex4(char32_t& code);
    bool consume(char16_t c);
    void skipSpace();

    const char16_t* m_pos;
    const char16_t* m_end;

    QString m_content;
    QString m_reasoningContent;
    QString m_reasoning;
    QString m_refusal;
    QString m_finishReason;
    QString m_model;
};

} // namespace adminchat
