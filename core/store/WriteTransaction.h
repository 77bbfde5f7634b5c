#pragma once

#include <QString>

namespace adminchat {

class Database;

// One write transaction on a Database, rolled back when it goes out of scope uncommitted, so that
// no early return can leave it open. BEGIN IMMEDIATE takes the write lock at once: what is read
// inside cannot go stale before the write, and two processes writing the same file queue up on
// the busy timeout instead of one failing on a lock upgrade. Declare it before the queries it
// covers, so that they are finished before a rollback.
class WriteTransaction
{
public:
    explicit WriteTransaction(const Database& database) : m_database(database) {}
    ~WriteTransaction();
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;

    // Both are false, with "<what> <path>: <detail>" in *error (Database::fail), when SQLite
    // refuses; a failed commit rolls back.
    bool begin(QString* error, const QString& what);
    bool commit(QString* error, const QString& what);

private:
    const Database& m_database;
    bool m_open = false;
};

} // namespace adminchat
