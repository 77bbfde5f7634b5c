#pragma once

#include <QChartView>
#include <QString>

class QValueAxis;

namespace adminchat {

// Base of the dashboard charts: no animation (updates arrive several times a second next to the
// chat and must never stall typing), tight margins, a small legend, axis ranges that end on round
// numbers, and tooltips for whatever bar, point or slice is under the mouse. Its background, text,
// axes and grid come from the widget's palette (Qt Charts would keep its own light theme in a dark
// session) and follow it when it changes.
class DashboardChartView : public QChartView
{
    Q_OBJECT
public:
    DashboardChartView(const QString& objectName, const QString& title, QWidget* parent);

    // Sets axis to [0, a round number >= max] with ticks on round steps; integers: whole steps
    // only (counts).
    static void applyNiceRange(QValueAxis* axis, double max, bool integers = false);

protected:
    // Re-reads the palette into the chart; subclasses colour their own parts in
    // applyPaletteExtras() (called after the axes and legend are done).
    void applyPalette();
    virtual void applyPaletteExtras(const QPalette&) {}
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    // What the tooltip says while the mouse is over an element (empty: the view's own tooltip).
    // Subclasses set it from their series' hovered signals.
    void setHoverTip(const QString& text);
    bool viewportEvent(QEvent* event) override;

private:
    QString m_hoverTip;
    qint64 m_appliedPaletteKey = -1; // palette cacheKey last applied
};

} // namespace adminchat
