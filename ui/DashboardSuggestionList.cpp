#include "DashboardSuggestionList.h"

#include "DashboardFormat.h"
#include "DashboardSuggestionDelegate.h"

#include <QResizeEvent>
#include <algorithm>

namespace adminchat {

namespace {

constexpr int maxHeight = 220; // about four two-line suggestions; more scroll

int rank(Suggestion::Severity severity)
{
    return severity == Suggestion::Severity::Alert     ? 0
           : severity == Suggestion::Severity::Warning ? 1
                                                       : 2;
}

QColor colorFor(Suggestion::Severity severity)
{
    switch (severity) {
    case Suggestion::Severity::Alert:
        return DashboardFormat::alertColor();
    case Suggestion::Severity::Warning:
        return DashboardFormat::warningColor();
    case Suggestion::Severity::Info:
        break;
    }
    return DashboardFormat::infoColor();
}

QString severityText(Suggestion::Severity severity)
{
    switch (severity) {
    case Suggestion::Severity::Alert:
        return QStringLiteral("alert");
    case Suggestion::Severity::Warning:
        return QStringLiteral("warning");
    case Suggestion::Severity::Info:
        break;
    }
    return QStringLiteral("info");
}

bool sameSuggestions(const QList<Suggestion>& a, const QList<Suggestion>& b)
{
    return std::equal(
        a.begin(), a.end(), b.begin(), b.end(), [](const Suggestion& x, const Suggestion& y) {
            return x.rule == y.rule && x.severity == y.severity && x.message == y.message &&
                   x.evidence == y.evidence && x.endpoint == y.endpoint && x.model == y.model;
        });
}

} // namespace

DashboardSuggestionList::DashboardSuggestionList(QWidget* parent) : QListWidget(parent)
{
    setObjectName(QStringLiteral("suggestionList"));
    setItemDelegate(new DashboardSuggestionDelegate(this));
    setWordWrap(true);
    setResizeMode(QListView::Adjust);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSelectionMode(QAbstractItemView::SingleSelection);
    rebuild({});
}

void DashboardSuggestionList::setSuggestions(const QList<Suggestion>& suggestions)
{
    // The engine reruns with every snapshot; most of the time nothing changed, so nothing to do.
    if (m_built && sameSuggestions(suggestions, m_shown))
        return;
    rebuild(suggestions);
}

void DashboardSuggestionList::rebuild(const QList<Suggestion>& suggestions)
{
    m_shown = suggestions;
    m_built = true;
    clear();

    if (suggestions.isEmpty()) {
        auto* item = new QListWidgetItem(tr("No suggestions: everything looks normal."));
        item->setData(DashboardSuggestionDelegate::ColorRole, DashboardFormat::excellentColor());
        item->setFlags(Qt::ItemIsEnabled);
        addItem(item);
        fitHeight();
        return;
    }

    QList<Suggestion> sorted = suggestions;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Suggestion& a, const Suggestion& b) {
        return rank(a.severity) < rank(b.severity);
    });
    for (const Suggestion& suggestion : sorted) {
        auto* item = new QListWidgetItem(suggestion.message);
        item->setData(DashboardSuggestionDelegate::ColorRole, colorFor(suggestion.severity));
        item->setData(DashboardSuggestionDelegate::EvidenceRole, suggestion.evidence);
        item->setData(SeverityRole, severityText(suggestion.severity));
        QStringList about;
        if (!suggestion.endpoint.isEmpty())
            about << tr("endpoint %1").arg(suggestion.endpoint);
        if (!suggestion.model.isEmpty())
            about << tr("model %1").arg(suggestion.model);
        QString tip =
            QStringLiteral("%1 (%2)").arg(severityText(suggestion.severity), suggestion.rule);
        if (!about.isEmpty())
            tip += QStringLiteral(" · ") + about.join(QStringLiteral(", "));
        if (!suggestion.evidence.isEmpty())
            tip += QLatin1Char('\n') + suggestion.evidence;
        item->setToolTip(tip);
        addItem(item);
    }
    fitHeight();
}

void DashboardSuggestionList::fitHeight()
{
    int height = 2 * frameWidth();
    for (int row = 0; row < count(); ++row)
        height += sizeHintForRow(row);
    height = std::min(height, maxHeight);
    if (height != this->height() || minimumHeight() != height)
        setFixedHeight(height);
}

void DashboardSuggestionList::resizeEvent(QResizeEvent* event)
{
    QListWidget::resizeEvent(event);
    if (event->size().width() != event->oldSize().width())
        fitHeight(); // wrapping, hence row heights, depends on the width
}

} // namespace adminchat
