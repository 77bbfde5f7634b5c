#include "WatchStatusStyle.h"

#include "DashboardFormat.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPixmap>

namespace adminchat {

QString WatchStatusStyle::label(WatchState state)
{
    switch (state) {
    case WatchState::Up:
        return QCoreApplication::translate("WatchStatusStyle", "Up");
    case WatchState::Degraded:
        return QCoreApplication::translate("WatchStatusStyle", "Degraded");
    case WatchState::Down:
        return QCoreApplication::translate("WatchStatusStyle", "Down");
    case WatchState::KeyRejected:
        return QCoreApplication::translate("WatchStatusStyle", "Key rejected");
    case WatchState::Unknown:
        break;
    }
    return QCoreApplication::translate("WatchStatusStyle", "Unknown");
}

QColor WatchStatusStyle::color(WatchState state)
{
    switch (state) {
    case WatchState::Up:
        return DashboardFormat::excellentColor();
    case WatchState::Degraded:
        return DashboardFormat::warningColor();
    case WatchState::Down:
    case WatchState::KeyRejected:
        return DashboardFormat::slowColor();
    case WatchState::Unknown:
        break;
    }
    return QColor(0x9e, 0x9e, 0x9e);
}

QIcon WatchStatusStyle::badge(WatchState state)
{
    QIcon icon;
    // Drawn at each size the tray and the views ask for, so it stays sharp.
    for (const int size : {16, 22, 24, 32, 48, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const qreal ring = std::max(1.0, size / 12.0);
        painter.setPen(QPen(color(state).darker(140), ring));
        painter.setBrush(color(state));
        painter.drawEllipse(QRectF(ring, ring, size - 2 * ring, size - 2 * ring));
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace adminchat
