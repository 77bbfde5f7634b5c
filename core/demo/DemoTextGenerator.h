#pragma once

#include "demo/DemoRandom.h"
#include "openai/ChatMessage.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace adminchat {

// Deterministic English-like text cut into streaming tokens (word pieces such as " cache" or
// ".\n\n"). The same hash always gives the same tokens, so a prompt can be replayed and
// compared. Answers show what a chat view renders: now and then a heading, a list, a table, or a
// code block in Python, C++, Bash or JSON; a reasoning model's thinking may list its steps.
class DemoTextGenerator
{
public:
    static constexpr int minAnswerTokens = 40;
    static constexpr int maxAnswerTokens = 220;
    static constexpr int minReasoningTokens = 20;
    static constexpr int maxReasoningTokens = 60;

    // A stable hash (FNV-1a, not qHash, which is randomised per process) of what determines
    // the answer.
    static quint64 promptHash(quint64 seed, const QString& model,
                              const QList<ChatMessage>& messages);

    static QStringList answer(quint64 hash);    // minAnswerTokens..maxAnswerTokens tokens
    static QStringList reasoning(quint64 hash); // minReasoningTokens..maxReasoningTokens
    // Whether a model thinks before it answers, by its name ("demo-reasoner", "*-thinking").
    static bool isReasoningModel(const QString& model);

private:
    explicit DemoTextGenerator(quint64 seed);

    void appendParagraph();
    void appendList();
    void appendCodeBlock();
    void appendHeading();
    void appendTable();
    void appendSteps();
    void appendSentences(int budget, bool reasoningStyle);
    int appendSentence(int exactTokens, const QString& terminator, bool reasoningStyle);
    void appendWords(const QStringList& words, const QString& terminator);
    void finish();

    QStringList sentenceOfLength(int words, bool reasoningStyle);
    QStringList sentenceWords(bool reasoningStyle);
    QStringList clause(bool reasoningStyle);
    QStringList nounPhrase();
    QString pick(const QStringList& words);

    DemoRandom m_random;
    QStringList m_tokens;
    bool m_atLineStart = true; // no leading space on the first word of a line
};

} // namespace adminchat
