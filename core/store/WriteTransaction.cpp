#include "store/WriteTransaction.h"

#include "store/Database.h"

#include <QSqlError>

namespace adminchat {

WriteTransaction::~WriteTransaction()
{
    if (m_open)
        m_database.run(QStringLiteral("ROLLBACK"));
}

bool WriteTransaction::begin(QString* error, const QString& what)
{
    const QSqlError sqlError = m_database.run(QStringLiteral("BEGIN IMMEDIATE"));
    if (sqlError.isValid())
        return m_database.fail(error, what, Database::describe(sqlError));
    m_open = true;
    return true;
}

bool WriteTransaction::commit(QString* error, const QString& what)
{
    const QSqlError sqlError = m_database.run(QStringLiteral("COMMIT"));
    if (!sqlError.isValid()) {
        m_open = false;
        return true;
    }
    return m_database.fail(error, what, Database::describe(sqlError)); // the destructor rolls back
}

} // namespace adminchat
