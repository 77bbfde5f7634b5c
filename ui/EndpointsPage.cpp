#include "EndpointsPage.h"

#include "AlertListModel.h"
#include "EndpointsModel.h"
#include "ToneLabel.h"
#include "UptimeBarDelegate.h"
#include "WatchController.h"
#include "WatchStatusStyle.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace adminchat {

namespace {

QString at(qint64 ms)
{
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
}

QString figure(const QJsonValue& ms)
{
    return ms.isDouble() ? QObject::tr("%1 ms").arg(qRound64(ms.toDouble())) : QStringLiteral("–");
}

} // namespace

EndpointsPage::EndpointsPage(WatchController* controller, AlertListModel* alerts, QWidget* parent)
    : QWidget(parent), m_controller(controller), m_alertModel(alerts),
      m_model(new EndpointsModel(controller, this))
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(buildHeader());

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(buildEmptyState());

    auto* splitter = new QSplitter(Qt::Vertical, m_pages);
    splitter->setObjectName(QStringLiteral("endpointsSplitter"));
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("endpointsTable"));
    m_table->setAccessibleName(tr("Watched endpoints"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setTabKeyNavigation(false); // Tab leaves the table, arrows move in it
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    auto* bars = new UptimeBarDelegate(m_table);
    m_table->setItemDelegateForColumn(EndpointsModel::DayColumn, bars);
    m_table->setItemDelegateForColumn(EndpointsModel::WeekColumn, bars);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    splitter->addWidget(m_table);
    splitter->addWidget(buildDetails());
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    m_pages->addWidget(splitter);
    layout->addWidget(m_pages, 1);

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &EndpointsPage::onSelectionChanged);
    connect(m_table, &QAbstractItemView::activated, this, &EndpointsPage::openDashboard);
    connect(m_controller, &WatchController::rowsChanged, this, [this] {
        updateSummary();
        onSelectionChanged(); // its incidents may have changed with the overview
    });
    connect(m_controller, &WatchController::pausedChanged, this, &EndpointsPage::updateSummary);
    connect(m_controller, &WatchController::incidentsRead, this, &EndpointsPage::showIncidents);
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (m_model->rowCount() > 0 && !m_table->currentIndex().isValid())
            m_table->selectRow(0);
    });
    updateSummary();
}

QWidget* EndpointsPage::buildHeader()
{
    auto* header = new QWidget(this);
    auto* row = new QHBoxLayout(header);
    row->setContentsMargins(0, 0, 0, 0);
    m_summary = new ToneLabel(header);
    m_summary->setObjectName(QStringLiteral("watchSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    row->addWidget(m_summary, 1);

    m_dashboardButton = new QPushButton(tr("Open in &Dashboard"), header);
    m_dashboardButton->setObjectName(QStringLiteral("openInDashboard"));
    m_dashboardButton->setToolTip(tr("Show this endpoint and model's requests on the dashboard"));
    m_dashboardButton->setEnabled(false);
    connect(m_dashboardButton, &QPushButton::clicked, this, &EndpointsPage::openDashboard);
    row->addWidget(m_dashboardButton);

    auto* settings = new QPushButton(tr("&Watch Settings…"), header);
    settings->setObjectName(QStringLiteral("watchSettings"));
    settings->setToolTip(tr("Probe interval, prompts, content check and budget of a profile"));
    connect(settings, &QPushButton::clicked, this,
            [this] { emit settingsRequested(selectedProfile()); });
    row->addWidget(settings);

    m_pause = new QPushButton(tr("&Pause Watching"), header);
    m_pause->setObjectName(QStringLiteral("pauseWatching"));
    m_pause->setCheckable(true);
    connect(m_pause, &QPushButton::toggled, m_controller, &WatchController::setPaused);
    row->addWidget(m_pause);
    return header;
}

QWidget* EndpointsPage::buildEmptyState()
{
    auto* page = new QWidget(this);
    page->setObjectName(QStringLiteral("endpointsEmptyState"));
    auto* row = new QHBoxLayout(page);
    auto* column = new QWidget(page);
    column->setMaximumWidth(640);
    row->addStretch(1);
    row->addWidget(column, 8);
    row->addStretch(1);
    auto* layout = new QVBoxLayout(column);
    layout->addStretch(1);
    auto* text = new QLabel(
        tr("No endpoint is watched yet. A watched endpoint gets a small real request at an "
           "interval, even when nobody chats: its status, uptime, incidents and alerts show "
           "here, and its requests on the dashboard under the tag \"probe\".\n\nTurn watching "
           "on in a profile's Watch settings, or from a terminal with\nadminchat profile probe "
           "NAME --enable"),
        column);
    text->setObjectName(QStringLiteral("endpointsEmptyText"));
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignCenter);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(text);
    auto* open = new QPushButton(tr("Open &Watch Settings…"), column);
    open->setObjectName(QStringLiteral("emptyWatchSettings"));
    connect(open, &QPushButton::clicked, this, [this] { emit settingsRequested({}); });
    layout->addWidget(open, 0, Qt::AlignHCenter);
    layout->addStretch(2);
    return page;
}

QWidget* EndpointsPage::buildDetails()
{
    m_details = new QTabWidget(this);
    m_details->setObjectName(QStringLiteral("endpointDetails"));
    m_details->setDocumentMode(true);

    m_incidents = new QTreeWidget(m_details);
    m_incidents->setObjectName(QStringLiteral("incidentLog"));
    m_incidents->setAccessibleName(tr("Incidents of the selected endpoint"));
    m_incidents->setHeaderLabels(
        {tr("Started"), tr("Ended"), tr("Status"), tr("Cause"), tr("TTFT"), tr("E2E")});
    m_incidents->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_incidents->setRootIsDecorated(true);
    m_details->addTab(m_incidents, tr("&Incidents"));

    auto* alertsPage = new QWidget(m_details);
    auto* alertsLayout = new QVBoxLayout(alertsPage);
    m_alertView = new QTreeView(alertsPage);
    m_alertView->setObjectName(QStringLiteral("alertList"));
    m_alertView->setAccessibleName(tr("Alerts"));
    m_alertView->setModel(m_alertModel);
    m_alertView->setRootIsDecorated(false);
    m_alertView->setUniformRowHeights(true);
    m_alertView->header()->setStretchLastSection(true);
    m_alertView->header()->setSectionResizeMode(AlertListModel::TimeColumn,
                                                QHeaderView::ResizeToContents);
    alertsLayout->addWidget(m_alertView, 1);
    auto* buttons = new QHBoxLayout;
    m_acknowledge = new QPushButton(tr("&Acknowledge"), alertsPage);
    m_acknowledge->setObjectName(QStringLiteral("acknowledgeAlert"));
    m_evidence = new QPushButton(tr("Show &Evidence"), alertsPage);
    m_evidence->setObjectName(QStringLiteral("showEvidence"));
    auto* all = new QPushButton(tr("Acknowledge A&ll"), alertsPage);
    all->setObjectName(QStringLiteral("acknowledgeAll"));
    buttons->addWidget(m_acknowledge);
    buttons->addWidget(m_evidence);
    buttons->addStretch(1);
    buttons->addWidget(all);
    alertsLayout->addLayout(buttons);
    const int alertsTab = m_details->addTab(alertsPage, tr("A&lerts"));

    const auto current = [this] {
        return m_alertView->currentIndex().row();
    };
    connect(m_acknowledge, &QPushButton::clicked, this,
            [this, current] { m_alertModel->acknowledge(current()); });
    connect(all, &QPushButton::clicked, m_alertModel, &AlertListModel::acknowledgeAll);
    const auto evidence = [this, current] {
        if (const Alert* alert = m_alertModel->alertAt(current()))
            showEvidence(*alert);
    };
    connect(m_evidence, &QPushButton::clicked, this, evidence);
    connect(m_alertView, &QAbstractItemView::activated, this, evidence);
    const auto updateButtons = [this, current] {
        m_acknowledge->setEnabled(current() >= 0);
        m_evidence->setEnabled(current() >= 0);
    };
    connect(m_alertView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            updateButtons);
    updateButtons();
    connect(
        m_alertModel, &AlertListModel::unacknowledgedChanged, this, [this, alertsTab](int count) {
            m_details->setTabText(alertsTab, count ? tr("A&lerts (%1)").arg(count) : tr("A&lerts"));
        });
    return m_details;
}

void EndpointsPage::updateSummary()
{
    const QList<WatchOverview::Row>& rows = m_controller->rows();
    m_pages->setCurrentIndex(rows.isEmpty() && m_controller->watchedCount() == 0 ? 0 : 1);
    {
        const QSignalBlocker block(m_pause);
        m_pause->setChecked(m_controller->isPaused());
    }
    QMap<int, int> byState; // severity -> count, over what is watched now
    QStringList trouble;
    for (const WatchOverview::Row& row : rows) {
        if (m_controller->holder(row.target.endpointId, row.target.model) ==
            WatchController::Holder::None)
            continue;
        byState[int(row.target.status)]++;
        if (isIncidentState(row.target.status))
            trouble << tr("%1 (%2) %3")
                           .arg(row.target.profile, row.target.model,
                                WatchStatusStyle::label(row.target.status).toLower());
    }
    QString text;
    if (m_controller->isPaused())
        text = tr("Watching is paused: nothing is probed until you resume.");
    else if (m_controller->watchedCount() == 0)
        text = tr("No endpoint is watched now; the figures below are what earlier watches "
                  "stored.");
    else
        text = (m_controller->watchedCount() == 1
                    ? tr("1 endpoint watched")
                    : tr("%1 endpoints watched").arg(m_controller->watchedCount())) +
               (trouble.isEmpty() ? tr(": all up or waiting for their first probe.")
                                  : tr(": %1.").arg(trouble.join(QStringLiteral(", "))));
    for (const QString& problem : m_controller->problems())
        text += QLatin1Char('\n') + tr("Not watched: %1").arg(problem);
    m_summary->setText(text);
    m_summary->setTone(m_controller->worstState() == WatchState::Down ||
                               m_controller->worstState() == WatchState::KeyRejected ||
                               !m_controller->problems().isEmpty()
                           ? ToneLabel::Tone::Error
                       : m_controller->worstState() == WatchState::Degraded
                           ? ToneLabel::Tone::Warning
                           : ToneLabel::Tone::Normal);
}

QString EndpointsPage::selectedProfile() const
{
    const WatchOverview::Row* row = m_model->rowAt(m_table->currentIndex().row());
    return row ? row->target.profile : QString();
}

void EndpointsPage::onSelectionChanged()
{
    const WatchOverview::Row* row = m_model->rowAt(m_table->currentIndex().row());
    m_dashboardButton->setEnabled(row != nullptr);
    if (!row) {
        m_incidents->clear();
        return;
    }
    m_controller->readIncidents(row->target.endpointId, row->target.model);
}

void EndpointsPage::openDashboard()
{
    const WatchOverview::Row* row = m_model->rowAt(m_table->currentIndex().row());
    if (!row)
        return;
    MetricsFilter filter;
    filter.window = MetricsFilter::Window::Last24Hours;
    filter.endpoint = row->target.endpointId;
    filter.model = row->target.model;
    emit dashboardRequested(filter);
}

void EndpointsPage::showEvidence(const Alert& alert)
{
    for (int i = 0; i < m_model->rowCount(); ++i) {
        const WatchOverview::Row* row = m_model->rowAt(i);
        if (row->target.profile == alert.profile &&
            (alert.model.isEmpty() || row->target.model == alert.model)) {
            m_highlightMs = alert.atMs;
            m_table->selectRow(i);
            m_table->scrollTo(m_model->index(i, 0));
            m_controller->readIncidents(row->target.endpointId, row->target.model);
            m_details->setCurrentWidget(m_incidents);
            m_incidents->setFocus();
            return;
        }
    }
}

void EndpointsPage::showIncidents(const QString& endpointId, const QString& model,
                                  const QList<IncidentStore::Incident>& incidents)
{
    const WatchOverview::Row* row = m_model->rowAt(m_table->currentIndex().row());
    if (!row || row->target.endpointId != endpointId || row->target.model != model)
        return; // the selection moved on
    // The log is read again with every overview: rebuilt only when it changed, so what the
    // user expanded or selected stays.
    QStringList signature{endpointId, model};
    for (const IncidentStore::Incident& incident : incidents)
        signature << QString::number(incident.id) << QString::number(incident.endedMs.value_or(-1))
                  << QString::number(incident.evidence.size());
    if (signature == m_incidentSignature && !m_highlightMs)
        return;
    m_incidentSignature = signature;
    // Kept across the rebuild: which incidents are open in the tree, and the one selected.
    QSet<qint64> expanded;
    qint64 current = 0;
    for (int i = 0; i < m_incidents->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_incidents->topLevelItem(i);
        const qint64 id = item->data(0, Qt::UserRole).toLongLong();
        if (item->isExpanded())
            expanded.insert(id);
        if (m_incidents->currentItem() == item)
            current = id;
    }
    m_incidents->clear();
    QTreeWidgetItem* highlight = nullptr;
    // Newest first: the one being looked at is usually the latest.
    for (auto it = incidents.crbegin(); it != incidents.crend(); ++it) {
        const IncidentStore::Incident& incident = *it;
        auto* item = new QTreeWidgetItem(m_incidents);
        item->setData(0, Qt::UserRole, incident.id);
        item->setText(0, at(incident.startedMs));
        item->setText(1, incident.endedMs ? at(*incident.endedMs) : tr("open"));
        item->setText(2, WatchStatusStyle::label(incident.status));
        item->setIcon(2, WatchStatusStyle::badge(incident.status));
        item->setText(3, incident.cause);
        item->setToolTip(3, incident.cause);
        for (const QJsonValue& value : incident.evidence) {
            const QJsonObject probe = value.toObject();
            auto* child = new QTreeWidgetItem(item);
            child->setText(0, at(qint64(probe.value(QStringLiteral("started_ms")).toDouble())));
            child->setToolTip(
                0, tr("Request %1").arg(probe.value(QStringLiteral("request_uid")).toString()));
            child->setText(2, probe.value(QStringLiteral("outcome")).toString());
            QString message = probe.value(QStringLiteral("message")).toString();
            const int status = probe.value(QStringLiteral("http_status")).toInt();
            if (status && !message.startsWith(QLatin1String("HTTP ")))
                message = tr("HTTP %1%2")
                              .arg(status)
                              .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message);
            child->setText(3, message);
            child->setToolTip(3, message);
            child->setText(4, figure(probe.value(QStringLiteral("ttft_ms"))));
            child->setText(5, figure(probe.value(QStringLiteral("e2e_ms"))));
        }
        item->setExpanded(expanded.contains(incident.id));
        if (m_highlightMs ? !highlight && incident.startedMs <= m_highlightMs
                          : incident.id == current)
            highlight = item;
    }
    if (m_incidents->topLevelItemCount() == 0) {
        auto* none = new QTreeWidgetItem(m_incidents);
        none->setText(0, tr("No incident in the last 30 days"));
        none->setFirstColumnSpanned(true);
    }
    if (highlight) {
        m_incidents->setCurrentItem(highlight);
        if (m_highlightMs) { // an alert's evidence: open it and bring it into view
            highlight->setExpanded(true);
            m_incidents->scrollToItem(highlight);
        }
    }
    m_highlightMs = 0;
}

} // namespace adminchat
