#pragma once

#include "store/ConversationRecord.h"

#include <QVariant>
#include <QVariantList>

class QSqlQuery;

namespace adminchat {

// How ConversationStore's records map to the columns of tables conversations and messages: the
// column lists its statements use, a row read back into a record, a record as bound values.
class ConversationRows
{
public:
    // c.id ... c.parameters, then the message count; readConversation() reads them in order.
    static const char* conversationColumns();
    static constexpr int conversationColumnCount = 12; // a search's snippet comes after
    static const char* messageColumns();
    static QString messagePlaceholders(); // "?,?,...", one per message column
    // "role = excluded.role, ..." for every column but the key.
    static QString messageUpdates();

    static ConversationRecord readConversation(const QSqlQuery& query);
    static MessageRecord readMessage(const QSqlQuery& query);
    static QVariantList messageValues(const MessageRecord& message, qint64 nowMs);

    // Qt binds a null QString as SQL NULL; the text columns are NOT NULL, so '' instead.
    static QVariant text(const QString& value);
    static QDateTime utc(const QVariant& ms);
};

} // namespace adminchat
