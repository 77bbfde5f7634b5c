#pragma once

#include "chat/ChatEntry.h"
#include "metrics/RequestMetrics.h"
#include "net/EndpointConfig.h"
#include "net/RequestTrace.h"
#include "openai/ChunkUpdate.h"

#include <QList>
#include <QObject>
#include <optional>

namespace adminchat {

class ChatClient;

// One conversation: what the user sent, the answers as they stream, and their metrics. The
// ChatClient may live on another thread; all calls to it are queued.
class ChatSession : public QObject
{
    Q_OBJECT
public:
    explicit ChatSession(ChatClient* client, QObject* parent = nullptr);

    void setEndpoint(const EndpointConfig& endpoint) { m_endpoint = endpoint; }
    const EndpointConfig& endpoint() const { return m_endpoint; }
    void setModel(const QString& model) { m_model = model; }
    const QString& model() const { return m_model; }
    void setSystemPrompt(const QString& prompt) { m_systemPrompt = prompt; }
    void setMaxTokens(std::optional<int> maxTokens) { m_maxTokens = maxTokens; }
    void setTemperature(std::optional<double> temperature) { m_temperature = temperature; }
    void setCategoryRule(const CategoryRule& rule) { m_categoryRule = rule; }

    // Adds the user's message at once and starts the answer. False when busy or empty.
    bool send(const QString& text);
    void stop();
    bool isBusy() const { return m_activeRequest != 0; }

    const QList<ChatEntry>& entries() const { return m_entries; }

signals:
    void entryAdded(int index);
    // Only the new text, so a view can append in O(delta).
    void entryAppended(int index, const QString& content, const QString& reasoning);
    void entryStateChanged(int index);
    void busyChanged(bool busy);
    void requestCompleted(const adminchat::RequestTrace& trace,
                          const adminchat::RequestMetrics& metrics);

private:
    void onOutputReceived(quint64 id, const ChunkUpdate& update);
    void onRequestFinished(quint64 id, const RequestTrace& trace);
    int indexOfRequest(quint64 id) const;

    ChatClient* m_client;
    EndpointConfig m_endpoint;
    QString m_model;
    QString m_systemPrompt;
    std::optional<int> m_maxTokens;
    std::optional<double> m_temperature;
    CategoryRule m_categoryRule;
    QList<ChatEntry> m_entries;
    quint64 m_activeRequest = 0;
};

} // namespace adminchat
