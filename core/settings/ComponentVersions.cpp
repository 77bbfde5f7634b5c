#include "settings/ComponentVersions.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>
#include <curl/curl.h>

namespace adminchat {

namespace {

QString sqliteVersion()
{
    const QString name = QStringLiteral("adminchat-version-probe");
    QString version;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(QStringLiteral(":memory:")); // nothing on disk, answers at once
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(QStringLiteral("SELECT sqlite_version()")) && query.next())
                version = query.value(0).toString();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return version;
}

} // namespace

ComponentVersions ComponentVersions::current()
{
    ComponentVersions versions;
    versions.adminchat = QStringLiteral(ADMINCHAT_VERSION);
    versions.qt = QString::fromLatin1(qVersion());
    if (const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW))
        versions.libcurl = QString::fromLatin1(info->version);
    versions.sqlite = sqliteVersion();
    return versions;
}

} // namespace adminchat
