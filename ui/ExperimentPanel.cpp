#include "ExperimentPanel.h"

#include "DashboardFormat.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace adminchat {

namespace {

QString msText(const std::optional<double>& ms)
{
    return ms ? DashboardFormat::milliseconds(*ms) : DashboardFormat::noData();
}

QString rateText(const std::optional<double>& share)
{
    return share ? DashboardFormat::percent(*share) : DashboardFormat::noData();
}

QString tokensText(const std::optional<double>& value)
{
    return value ? DashboardFormat::tokensPerSecond(*value) : DashboardFormat::noData();
}

QColor verdictColor(MetricComparison::Verdict verdict, const QPalette& palette)
{
    switch (verdict) {
    case MetricComparison::Verdict::Better:
        return DashboardFormat::excellentColor();
    case MetricComparison::Verdict::Worse:
        return DashboardFormat::alertColor();
    case MetricComparison::Verdict::NotSignificant:
        return palette.color(QPalette::Text);
    case MetricComparison::Verdict::NotEnoughData:
        break;
    }
    return palette.color(QPalette::PlaceholderText);
}

} // namespace

ExperimentPanel::ExperimentPanel(QWidget* parent)
    : QWidget(parent), m_experimentBox(new QComboBox(this)), m_state(new QLabel(this)),
      m_pages(new QStackedWidget(this)), m_empty(new QLabel(this)),
      m_table(new QTableWidget(0, ColumnCount, this)), m_verdictNote(new QLabel(this)),
      m_comparisons(new QListWidget(this))
{
    setObjectName(QStringLiteral("experimentPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 6, 0, 0);

    auto* header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("Experiment"), this));
    m_experimentBox->setObjectName(QStringLiteral("experimentBox"));
    m_experimentBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_experimentBox->setMinimumContentsLength(16);
    header->addWidget(m_experimentBox);
    m_state->setObjectName(QStringLiteral("experimentState"));
    header->addWidget(m_state, 1);
    layout->addLayout(header);

    m_empty->setObjectName(QStringLiteral("experimentEmpty"));
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_empty->setText(tr("No experiment yet. Experiment ▸ Start experiment… runs one from a JSON "
                        "file: each new conversation is assigned a variant (its endpoint, model "
                        "or parameters), and the variants' latency, errors and ratings are "
                        "compared here."));

    auto* results = new QWidget(this);
    auto* resultsLayout = new QVBoxLayout(results);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    m_table->setObjectName(QStringLiteral("experimentTable"));
    m_table->setHorizontalHeaderLabels({tr("Variant"), tr("Requests"), tr("TTFT P50"),
                                        tr("TTFT P95"), tr("E2E P50"), tr("E2E P95"),
                                        tr("Tokens/s P50"), tr("Tokens/s P95"), tr("Error rate"),
                                        tr("Completion rate"), tr("Satisfaction")});
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    resultsLayout->addWidget(m_table, 2);
    m_verdictNote->setObjectName(QStringLiteral("experimentVerdictNote"));
    m_verdictNote->setWordWrap(true);
    resultsLayout->addWidget(m_verdictNote);
    m_comparisons->setObjectName(QStringLiteral("experimentComparisons"));
    m_comparisons->setSelectionMode(QAbstractItemView::NoSelection);
    resultsLayout->addWidget(m_comparisons, 3);

    m_pages->addWidget(m_empty);
    m_pages->addWidget(results);
    layout->addWidget(m_pages, 1);

    connect(m_experimentBox, &QComboBox::currentTextChanged, this, [this](const QString& name) {
        m_shown = name;
        emit experimentChosen(name);
    });
    setSnapshot(DashboardSnapshot());
}

void ExperimentPanel::setSnapshot(const DashboardSnapshot& snapshot)
{
    if (snapshot.experiments != m_listed) {
        const QSignalBlocker blocker(m_experimentBox); // a refill is not the user's choice
        m_listed = snapshot.experiments;
        m_experimentBox->clear();
        m_experimentBox->addItems(m_listed);
    }
    const bool shown = snapshot.experiment.has_value();
    m_pages->setCurrentIndex(shown ? 1 : 0);
    m_experimentBox->setEnabled(!m_listed.isEmpty());
    if (!shown) {
        m_state->clear();
        return;
    }
    const ExperimentComparison& comparison = *snapshot.experiment;
    {
        const QSignalBlocker blocker(m_experimentBox);
        m_experimentBox->setCurrentIndex(m_listed.indexOf(comparison.experiment));
    }
    m_shown = comparison.experiment;
    m_state->setText(comparison.experiment == snapshot.activeExperiment
                         ? tr("running · all its requests, whatever the filter above")
                         : tr("not running · its stored requests"));
    showSummaries(comparison);
    showComparisons(comparison);
}

void ExperimentPanel::showSummaries(const ExperimentComparison& comparison)
{
    m_table->setRowCount(int(comparison.variants.size()));
    for (int row = 0; row < comparison.variants.size(); ++row) {
        const VariantSummary& v = comparison.variants.at(row);
        const QString satisfaction =
            v.satisfaction
                ? tr("%1 (%2 rated)").arg(DashboardFormat::percent(*v.satisfaction)).arg(v.rated)
                : tr("– (0 rated)");
        const QStringList cells{row == 0 ? tr("%1 (control)").arg(v.variant) : v.variant,
                                QString::number(v.requests),
                                msText(v.ttftP50Ms),
                                msText(v.ttftP95Ms),
                                msText(v.e2eP50Ms),
                                msText(v.e2eP95Ms),
                                tokensText(v.tokensPerSecondP50),
                                tokensText(v.tokensPerSecondP95),
                                rateText(v.errorRate),
                                rateText(v.completionRate),
                                satisfaction};
        for (int column = 0; column < ColumnCount; ++column) {
            QTableWidgetItem* item = m_table->item(row, column);
            if (!item) {
                item = new QTableWidgetItem;
                m_table->setItem(row, column, item);
            }
            item->setText(cells.at(column));
            item->setData(Qt::UserRole, v.variant);
            item->setTextAlignment(column == VariantColumn ? Qt::AlignLeft | Qt::AlignVCenter
                                                           : Qt::AlignRight | Qt::AlignVCenter);
        }
    }
    m_table->resizeColumnsToContents();
}

void ExperimentPanel::showComparisons(const ExperimentComparison& comparison)
{
    m_comparisons->clear();
    bool anyVerdict = false;
    for (const MetricComparison& c : comparison.comparisons) {
        anyVerdict = anyVerdict || c.verdict != MetricComparison::Verdict::NotEnoughData;
        auto* item = new QListWidgetItem(c.summary(), m_comparisons);
        item->setData(Qt::UserRole, MetricComparison::verdictName(c.verdict));
        item->setForeground(verdictColor(c.verdict, palette()));
        item->setToolTip(MetricComparison::verdictName(c.verdict));
    }
    if (comparison.comparisons.isEmpty())
        m_verdictNote->setText(tr("Nothing to compare yet: no variant besides the control."));
    else if (!anyVerdict)
        m_verdictNote->setText(
            tr("Not enough data yet: a verdict needs at least %1 requests (or ratings) per "
               "variant. Differences below are descriptive only.")
                .arg(comparison.options.minimumSamples));
    else
        m_verdictNote->setText(tr("Each variant against the control at a significance level of %1; "
                                  "green is better, red worse.")
                                   .arg(DashboardFormat::percent(comparison.options.alpha)));
}

} // namespace adminchat
