#include "ExperimentController.h"

#include "ConversationController.h"
#include "EndpointPicker.h"
#include "ExperimentBuilderDialog.h"
#include "ExportFolder.h"
#include "chat/ChatSession.h"
#include "chat/ExperimentSteering.h"
#include "endpoints/EndpointProfile.h"
#include "endpoints/ProfileResolver.h"
#include "endpoints/ProfileStore.h"
#include "settings/AppSettings.h"
#include "store/MetricsService.h"

#include <QAction>
#include <QLabel>
#include <QLoggingCategory>
#include <QMenu>
#include <cmath>

Q_LOGGING_CATEGORY(lcExperiments, "adminchat.experiments", QtInfoMsg)

namespace adminchat {

namespace {

QString percent(double share)
{
    const double value = share * 100;
    return std::abs(value - std::round(value)) < 0.05 ? QString::number(std::lround(value))
                                                      : QString::number(value, 'f', 1);
}

} // namespace

ExperimentController::ExperimentController(AppSettings* settings, QString profilesFile,
                                           ConversationController* conversations,
                                           EndpointPicker* picker, MetricsService* metrics,
                                           QWidget* window)
    : QObject(window), m_settings(settings), m_profilesFile(std::move(profilesFile)),
      m_conversations(conversations), m_picker(picker), m_metrics(metrics), m_window(window),
      m_startAction(new QAction(tr("Start experiment…"), this)),
      m_stopAction(new QAction(tr("Stop experiment"), this)), m_indicator(new QLabel(window))
{
    m_startAction->setObjectName(QStringLiteral("startExperimentAction"));
    m_startAction->setToolTip(tr("Build or open an A/B experiment and run it"));
    m_stopAction->setObjectName(QStringLiteral("stopExperimentAction"));
    m_indicator->setObjectName(QStringLiteral("experimentIndicator"));
    m_indicator->setContentsMargins(8, 0, 8, 0);
    connect(m_startAction, &QAction::triggered, this, &ExperimentController::openBuilder);
    connect(m_stopAction, &QAction::triggered, this, &ExperimentController::stop);
    // After the window's own handler: the variant's choice wins over the conversation's.
    connect(m_conversations, &ConversationController::currentChanged, this,
            &ExperimentController::syncPicker);
    syncControls();
}

ExperimentController::~ExperimentController() = default;

void ExperimentController::addActions(QMenu* menu)
{
    menu->addAction(m_startAction);
    menu->addAction(m_stopAction);
}

ExperimentBuilderDialog* ExperimentController::openBuilder()
{
    if (m_builder) {
        m_builder->raise();
        m_builder->activateWindow();
        return m_builder;
    }
    QStringList profiles;
    for (const EndpointProfile& profile : ProfileStore(m_profilesFile).profiles())
        profiles << profile.name;
    profiles << EndpointProfile::demoName;
    m_builder =
        new ExperimentBuilderDialog(profiles, ExportFolder(m_settings->fileName()), m_window);
    m_builder->setObjectName(QStringLiteral("experimentBuilder"));
    m_builder->setAttribute(Qt::WA_DeleteOnClose);
    std::optional<ExperimentDefinition> shown =
        m_active ? m_active->definition() : m_settings->experiment();
    if (!shown) {
        ExperimentDefinition draft;
        for (const QString& name : {QStringLiteral("A"), QStringLiteral("B")})
            draft.variants << ExperimentVariant{
                name, 50, m_picker->profileName(), m_picker->model(), {}};
        shown = draft;
    }
    m_builder->setDefinition(*shown);
    // Non-modal: the window keeps streaming; a failure stays in the dialog, which closes once
    // the experiment runs.
    connect(m_builder, &ExperimentBuilderDialog::startRequested, this,
            [this](const ExperimentDefinition& definition) {
                m_builder->setStarting(true);
                start(definition, true);
            });
    connect(this, &ExperimentController::failed, m_builder, [this](const QString& message) {
        if (m_builder->isStarting())
            m_builder->showStartError(message);
    });
    connect(this, &ExperimentController::started, m_builder, [this] {
        if (m_builder->isStarting())
            m_builder->accept();
    });
    m_builder->show();
    return m_builder;
}

bool ExperimentController::startFromFile(const QString& path)
{
    QString error;
    const std::optional<ExperimentDefinition> definition =
        ExperimentDefinition::fromFile(path, &error);
    if (!definition) {
        emit messageChanged(error);
        return false;
    }
    start(*definition, true);
    return true;
}

void ExperimentController::start(const ExperimentDefinition& definition, bool persist)
{
    const int generation = ++m_generation;
    auto pending = std::make_shared<ExperimentSteering>(definition);
    m_pending = pending;
    m_pendingPersist = persist;
    for (const QString& profile : pending->profiles()) {
        if (profile == EndpointProfile::demoName)
            continue; // resolveDemo(), now or once the built-in endpoint listens
        auto* resolver = new ProfileResolver(m_profilesFile, this);
        resolver->resolve(
            profile, this,
            [this, resolver, pending, profile, generation](const ProfileResolver::Result& result) {
                resolver->deleteLater();
                if (generation != m_generation)
                    return;
                if (!result.ok())
                    return fail(tr("Experiment %1 not started: profile %2: %3")
                                    .arg(pending->name(), profile, result.error));
                pending->setEndpoint(profile, result.config,
                                     result.profile ? result.profile->defaultModel : QString());
                activateIfReady();
            });
    }
    resolveDemo();
    activateIfReady();
}

void ExperimentController::setDemoEndpoint(const QUrl& baseUrl)
{
    m_demoUrl = baseUrl;
    resolveDemo();
    activateIfReady();
}

void ExperimentController::resolveDemo()
{
    if (!m_pending || !m_demoUrl.isValid() ||
        !m_pending->profiles().contains(EndpointProfile::demoName))
        return;
    EndpointConfig demo;
    demo.baseUrl = m_demoUrl;
    m_pending->setEndpoint(EndpointProfile::demoName, demo);
}

void ExperimentController::activateIfReady()
{
    if (!m_pending || !m_pending->isReady())
        return;
    m_active = std::move(m_pending);
    m_pending.reset();
    const ExperimentDefinition& definition = m_active->definition();
    if (m_pendingPersist) {
        m_settings->setExperiment(definition);
        m_settings->sync();
    }
    QStringList variants;
    for (const ExperimentVariant& variant : definition.variants)
        variants << variant.name;
    QMetaObject::invokeMethod(m_metrics, [metrics = m_metrics, name = definition.name, variants] {
        metrics->setActiveExperiment(name, variants);
    });
    m_conversations->setExperiment(m_active);
    qCInfo(lcExperiments).noquote() << "started" << definition.name;
    syncControls();
    syncPicker();
    emit started(definition.name);
    emit messageChanged(indicatorText());
}

void ExperimentController::fail(const QString& message)
{
    qCWarning(lcExperiments).noquote() << message;
    m_pending.reset();
    syncControls();
    emit failed(message);
    emit messageChanged(message);
}

void ExperimentController::stop()
{
    ++m_generation;
    m_pending.reset();
    m_settings->clearExperiment();
    m_settings->sync();
    if (!m_active)
        return syncControls();
    const QString name = m_active->name();
    m_active.reset();
    m_conversations->setExperiment(nullptr);
    QMetaObject::invokeMethod(m_metrics, [metrics = m_metrics] {
        metrics->setActiveExperiment(QString(), QStringList());
    });
    qCInfo(lcExperiments).noquote() << "stopped" << name;
    syncControls();
    syncPicker();
    emit stopped();
    emit messageChanged(tr("Experiment %1 stopped").arg(name));
}

void ExperimentController::restore()
{
    QString error;
    const std::optional<ExperimentDefinition> definition = m_settings->experiment(&error);
    if (definition)
        start(*definition, false);
    else if (!error.isEmpty())
        emit messageChanged(tr("The stored experiment was ignored: %1").arg(error));
}

QString ExperimentController::indicatorText() const
{
    if (!m_active)
        return {};
    QStringList shares;
    const QList<ExperimentVariant>& variants = m_active->definition().variants;
    for (int i = 0; i < variants.size(); ++i)
        shares << tr("%1 %2 %").arg(variants.at(i).name, percent(m_active->share(i)));
    return tr("Experiment %1: %2").arg(m_active->name(), shares.join(QStringLiteral(" · ")));
}

void ExperimentController::syncControls()
{
    // A stored experiment that could not start (its profile is gone) must still be stoppable.
    m_stopAction->setEnabled(m_active || m_pending || m_settings->experiment().has_value());
    m_indicator->setText(indicatorText());
    m_indicator->setVisible(m_active != nullptr);
    m_indicator->setToolTip(
        m_active ? tr("Each new %1 is assigned a variant; the dashboard's "
                      "Experiment tab compares them")
                       .arg(m_active->assignsConversations() ? tr("conversation") : tr("request"))
                 : QString());
}

void ExperimentController::syncPicker()
{
    const ChatSession* session = m_conversations->current();
    if (!m_active || !session)
        return m_picker->setExperimentNote({});
    if (!m_active->assignsConversations())
        return m_picker->setExperimentNote(
            tr("experiment %1 picks a variant per request").arg(m_active->name()));
    const std::optional<RequestSteering> steering = session->experiment() == m_active->name()
                                                        ? m_active->steerVariant(session->variant())
                                                        : std::nullopt;
    if (!steering)
        return m_picker->setExperimentNote({});
    m_picker->setExperimentNote(
        tr("variant %1 of experiment %2 sets these").arg(steering->variant, m_active->name()));
    if (!steering->profile.isEmpty() || !steering->model.isEmpty())
        m_picker->selectProfile(steering->profile.isEmpty() ? m_picker->profileName()
                                                            : steering->profile,
                                steering->model);
}

} // namespace adminchat
