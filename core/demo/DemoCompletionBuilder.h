#pragma once

#include "demo/DemoConfig.h"
#include "demo/DemoResponse.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace adminchat {

// Turns one generated chat completion (tokens plus their due times) into the bytes of an
// OpenAI-style answer: a text/event-stream of chat.completion.chunk events, or one
// chat.completion object, with the stream-level faults applied.
class DemoCompletionBuilder
{
public:
    static constexpr int tokensBeforeFault = 5;
    static constexpr double resetGraceMs = 50; // lets the last tokens reach the client first
    static constexpr qint64 hugeLineBytes = 64 * 1024 * 1024; // "data: " included
    static constexpr qint64 garbageBytes = 4 * 1024 * 1024;
    // Text per event of an endless answer: large, so that a client's limit on the answer's
    // size is reached after megabytes, not after millions of events.
    static constexpr qsizetype endlessEventChars = 4096;

    DemoCompletionBuilder(quint64 number, const QString& model, qint64 created);

    // Reasoning tokens come first (demo-reasoner only). `truncated`: cut by max_tokens.
    void setTokens(const QStringList& reasoning, const QStringList& content, bool truncated);
    void setPromptTokens(int count) { m_promptTokens = count; }
    // Predicted Outputs: compares the prediction with the content tokens (call after setTokens)
    // and reports the counts in usage.completion_tokens_details.
    void setPrediction(const QString& prediction);
    std::optional<int> acceptedPredictionTokens() const { return m_accepted; }
    std::optional<int> rejectedPredictionTokens() const { return m_rejected; }
    // Index (into reasoning + content tokens) of the first token after the accepted ones; tokens
    // before it, from the first content token on, came from the prediction.
    int acceptedEnd() const { return int(m_reasoning.size()) + m_accepted.value_or(0); }
    // Due time of each token after the request, plus one more: when a next token would come.
    void setSchedule(const QList<double>& dueMs) { m_dueMs = dueMs; }
    // Seeds the bytes of the garbage fault.
    void setFaultSeed(quint64 seed) { m_faultSeed = seed; }

    DemoResponse streamed(std::optional<DemoFault> fault, bool includeUsage, bool chunked,
                          bool keepAlive) const;
    DemoResponse complete(std::optional<DemoFault> fault, bool keepAlive) const;

    int tokenCount() const { return int(m_reasoning.size() + m_content.size()); }
    QByteArray completionJson() const;

private:
    QByteArray chunkJson(const QByteArray& delta, const QByteArray& finishReason) const;
    QByteArray tokenChunk(int index) const;
    QByteArray usageJson() const;
    double dueAt(int index) const;
    QByteArray endlessEvent() const;
    // The same bytes, written one at a time by the connection.
    static DemoResponse trickled(DemoResponse response);

    QByteArray m_id;
    QByteArray m_model;
    qint64 m_created = 0;
    QStringList m_reasoning;
    QStringList m_content;
    bool m_truncated = false;
    int m_promptTokens = 0;
    QList<double> m_dueMs;
    std::optional<int> m_accepted;
    std::optional<int> m_rejected;
    quint64 m_faultSeed = 0;
};

} // namespace adminchat
