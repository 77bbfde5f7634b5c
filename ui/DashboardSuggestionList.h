#pragma once

#include "metrics/Suggestion.h"

#include <QList>
#include <QListWidget>

namespace adminchat {

// The advice and alerts of the snapshot, alerts first: a coloured dot per severity (alert red,
// warning amber, info blue), the message, and the evidence in smaller grey text. With no
// suggestion it holds the single line "No suggestions: everything looks normal.". Its height
// follows its content (up to a few entries) so it never hides the charts below.
class DashboardSuggestionList : public QListWidget
{
    Q_OBJECT
public:
    static constexpr int SeverityRole =
        Qt::UserRole + 3; // "alert", "warning", "info"; empty line: none

    explicit DashboardSuggestionList(QWidget* parent = nullptr);

    void setSuggestions(const QList<Suggestion>& suggestions);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void rebuild(const QList<Suggestion>& suggestions);
    void fitHeight();

    QList<Suggestion> m_shown;
    bool m_built = false;
};

} // namespace adminchat
