#pragma once

#include <QFrame>

class QLabel;

namespace adminchat {

// One KPI tile: a rounded card in the palette's Base colour with a muted title, a large value
// and a muted detail line. Painted from the palette at each paint, so it follows theme changes.
class DashboardKpiTile : public QFrame
{
    Q_OBJECT
public:
    DashboardKpiTile(const QString& valueObjectName, const QString& title, const QString& toolTip,
                     QWidget* parent = nullptr);

    QLabel* value() const { return m_value; }
    QLabel* detail() const { return m_detail; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QLabel* m_value;
    QLabel* m_detail;
};

} // namespace adminchat
