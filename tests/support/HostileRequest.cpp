#include "HostileRequest.h"

#include <QList>

QByteArray HostileRequest::header(QByteArrayView name) const
{
    const QList<QByteArray> lines = head.split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray& line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

bool HostileRequest::hasHeader(QByteArrayView name) const
{
    const QByteArray lower = "\n" + QByteArray(name.data(), name.size()).toLower() + ":";
    return head.toLower().contains(lower);
}
