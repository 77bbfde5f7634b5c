#include "store/HistoryService.h"

#include "store/ConversationExporter.h"
#include "store/ConversationStore.h"
#include "store/StoreLog.h"

#include <QDateTime>
#include <QDir>
#include <QSaveFile>
#include <utility>

namespace adminchat {

HistoryService::HistoryService(QString databasePath, QObject* parent)
    : QObject(parent), m_databasePath(std::move(databasePath)),
      m_startedUtc(QDateTime::currentDateTimeUtc())
{
    // Queued calls and signals carry these between the GUI thread and this one.
    qRegisterMetaType<ConversationRecord>("adminchat::ConversationRecord");
    qRegisterMetaType<MessageRecord>("adminchat::MessageRecord");
    qRegisterMetaType<QList<ConversationRecord>>("QList<adminchat::ConversationRecord>");
    qRegisterMetaType<QList<MessageRecord>>("QList<adminchat::MessageRecord>");
}

HistoryService::~HistoryService() = default;

void HistoryService::open()
{
    auto store = std::make_unique<ConversationStore>(m_databasePath);
    QString error;
    if (!store->open(&error)) {
        report(error);
        return;
    }
    m_store = std::move(store);
    // Deleting is undoable only within the run that did it; earlier runs' deletions are final.
    if (!m_store->purgeDeleted(m_startedUtc, &error))
        report(error);
    emit opened(m_store->path(), m_store->movedAsidePath());
}

void HistoryService::report(const QString& error)
{
    qCWarning(lcStore).noquote() << error;
    emit failed(error);
}

bool HistoryService::applied(bool ok, const QString& error)
{
    if (!ok)
        report(error);
    return ok;
}

void HistoryService::list(const QString& search)
{
    if (!m_store)
        return; // open() failed and said so
    QString error;
    const QList<ConversationRecord> found = m_store->conversations(search, -1, &error);
    if (!error.isEmpty())
        report(error);
    else
        emit listed(search, found);
}

void HistoryService::load(const QString& conversationId)
{
    if (!m_store)
        return;
    QString error;
    const std::optional<ConversationRecord> conversation =
        m_store->conversation(conversationId, &error);
    if (!conversation) {
        report(error.isEmpty() ? QStringLiteral("no conversation \"%1\"").arg(conversationId)
                               : error);
        return;
    }
    const QList<MessageRecord> messages = m_store->messages(conversationId, &error);
    if (!error.isEmpty())
        report(error);
    else
        emit loaded(*conversation, messages);
}

void HistoryService::exportConversation(const QString& conversationId, const QString& format,
                                        const QString& path)
{
    QString error;
    std::optional<ConversationRecord> conversation;
    QList<MessageRecord> messages;
    if (!m_store)
        error = QStringLiteral("the conversation history is not open");
    else if (conversation = m_store->conversation(conversationId, &error); !conversation)
        error =
            error.isEmpty() ? QStringLiteral("no conversation \"%1\"").arg(conversationId) : error;
    else
        messages = m_store->messages(conversationId, &error);
    if (error.isEmpty()) {
        const QByteArray bytes =
            format == QLatin1String("json")
                ? ConversationExporter::toJson(*conversation, messages)
                : ConversationExporter::toMarkdown(*conversation, messages).toUtf8();
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            error = QStringLiteral("cannot write %1: %2")
                        .arg(QDir::toNativeSeparators(path), file.errorString());
    }
    emit exported(path, error);
}

void HistoryService::create(const ConversationRecord& conversation)
{
    if (!m_store)
        return;
    ConversationRecord record = conversation;
    QString error;
    if (applied(m_store->create(record, &error), error))
        emit conversationsChanged();
}

void HistoryService::saveMessage(const MessageRecord& message)
{
    if (!m_store)
        return;
    QString error;
    ConversationStore::SaveOutcome outcome;
    // Streaming answers are saved often; the listing only changes on a first message or title.
    if (applied(m_store->saveMessage(message, &error, outcome), error) &&
        (outcome.firstMessage || outcome.titleChanged))
        emit conversationsChanged();
}

void HistoryService::truncate(const QString& conversationId, int fromSeq)
{
    if (!m_store)
        return;
    QString error;
    applied(m_store->truncate(conversationId, fromSeq, &error), error);
}

void HistoryService::rename(const QString& conversationId, const QString& title)
{
    if (!m_store)
        return;
    QString error;
    if (applied(m_store->rename(conversationId, title, &error), error))
        emit conversationsChanged();
}

void HistoryService::setProfileAndModel(const QString& conversationId, const QString& profile,
                                        const QString& model)
{
    if (!m_store)
        return;
    QString error;
    if (applied(m_store->setProfileAndModel(conversationId, profile, model, &error), error))
        emit conversationsChanged();
}

void HistoryService::setRating(const QString& conversationId, int seq, int rating)
{
    if (!m_store)
        return;
    const std::optional<int> value = rating == 0 ? std::nullopt : std::optional<int>(rating);
    QString error;
    applied(m_store->setRating(conversationId, seq, value, &error), error);
}

void HistoryService::markDeleted(const QString& conversationId)
{
    if (!m_store)
        return;
    QString error;
    if (applied(m_store->markDeleted(conversationId, &error), error))
        emit conversationsChanged();
}

void HistoryService::restore(const QString& conversationId)
{
    if (!m_store)
        return;
    QString error;
    if (applied(m_store->restore(conversationId, &error), error))
        emit conversationsChanged();
}

} // namespace adminchat
