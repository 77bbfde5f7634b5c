#pragma once

#include "openai/ChunkUpdate.h"

#include <QString>
#include <QStringView>

namespace adminchat {

// A single pass over the JSON text of one chat.completion.chunk that reads the fields
// ChunkDecoder fills without building a document. It accepts only a strict, common subset:
// choices whose deltas carry content, reasoning, refusal and finish_reason as strings or null
// (choice 0 is kept, the others counted), usage, error and x_groq.usage null, no tool calls,
// plain JSON everywhere else. Anything
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
    // The fields read from one choice.
    struct Choice
    {
        QString content;
        QString reasoningContent;
        QString reasoning;
        QString refusal;
        QString finishReason;
    };

    bool scanGroq();
    bool scanChoices();
    bool scanChoice(Choice& choice, qint64& index);
    bool readIndex(qint64& index);
    bool scanDelta(Choice& choice);

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

    Choice m_choice; // choice 0
    int m_ignoredChoices = 0;
    QString m_model;
    QString m_systemFingerprint;
};

} // namespace adminchat
