#include "settings/ApplicationNames.h"

#include <QCoreApplication>

namespace adminchat {

void setApplicationNames()
{
    QCoreApplication::setOrganizationName(QStringLiteral("AdminChat"));
    QCoreApplication::setApplicationName(QStringLiteral("adminchat"));
    QCoreApplication::setApplicationVersion(QStringLiteral(ADMINCHAT_VERSION));
}

} // namespace adminchat
