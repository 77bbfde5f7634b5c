#include "EndpointPicker.h"

#include "ProfileFileWatcher.h"
#include "endpoints/EndpointProfile.h"
#include "endpoints/ProfileResolver.h"
#include "endpoints/ProfileStore.h"
#include "net/ModelsFetcher.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QToolButton>

namespace adminchat {

EndpointPicker::EndpointPicker(ProfileStore* profiles, QNetworkAccessManager* network,
                               QWidget* parent)
    : QWidget(parent), m_profiles(profiles), m_network(network), m_profileBox(new QComboBox(this)),
      m_modelBox(new QComboBox(this)), m_refreshButton(new QToolButton(this)),
      m_editButton(new QToolButton(this)), m_noteIcon(new QLabel(this)), m_note(new QLabel(this)),
      m_experimentNote(new QLabel(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Endpoint"), this));
    m_profileBox->setObjectName(QStringLiteral("endpointBox"));
    m_profileBox->setAccessibleName(tr("Endpoint"));
    m_profileBox->setMinimumContentsLength(24);
    m_profileBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    layout->addWidget(m_profileBox);
    m_editButton->setObjectName(QStringLiteral("editProfilesButton"));
    m_editButton->setText(tr("Profiles…"));
    m_editButton->setToolTip(tr("Add or edit endpoint profiles and their keys"));
    layout->addWidget(m_editButton);
    layout->addSpacing(12);
    layout->addWidget(new QLabel(tr("Model"), this));
    m_modelBox->setObjectName(QStringLiteral("modelBox"));
    m_modelBox->setEditable(true); // endpoints without /models still work by typing a name
    m_modelBox->setAccessibleName(tr("Model"));
    m_modelBox->lineEdit()->setAccessibleName(tr("Model"));
    m_modelBox->setMinimumContentsLength(22);
    m_modelBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    layout->addWidget(m_modelBox);
    m_refreshButton->setObjectName(QStringLiteral("refreshModelsButton"));
    m_refreshButton->setText(tr("Refresh"));
    m_refreshButton->setToolTip(tr("Reload the model list from the endpoint"));
    layout->addWidget(m_refreshButton);
    m_note->setObjectName(QStringLiteral("endpointNote"));
    m_note->setContentsMargins(8, 0, 0, 0);
    m_experimentNote->setObjectName(QStringLiteral("experimentNote"));
    m_experimentNote->setContentsMargins(8, 0, 0, 0);
    m_experimentNote->hide();
    layout->addWidget(m_experimentNote);
    const int iconSide = fontMetrics().height();
    m_noteIcon->setObjectName(QStringLiteral("endpointNoteIcon"));
    m_noteIcon->setPixmap(QIcon(QStringLiteral(":/ui/warning.png")).pixmap(iconSide, iconSide));
    m_noteIcon->setAccessibleName(tr("Warning"));
    m_noteIcon->setContentsMargins(8, 0, 0, 0);
    m_noteIcon->hide();
    layout->addWidget(m_noteIcon);
    layout->addWidget(m_note, 1);

    connect(m_profileBox, &QComboBox::currentIndexChanged, this, &EndpointPicker::onProfileChosen);
    connect(m_modelBox, &QComboBox::currentTextChanged, this, &EndpointPicker::modelChanged);
    connect(m_refreshButton, &QToolButton::clicked, this, &EndpointPicker::refreshModels);
    connect(m_editButton, &QToolButton::clicked, this, &EndpointPicker::editProfilesRequested);
    // Profiles added from the command line while the window is open show up here too.
    connect(new ProfileFileWatcher(m_profiles, this), &ProfileFileWatcher::profilesChanged, this,
            &EndpointPicker::reloadProfiles);
    rebuild(QString());
}

QString EndpointPicker::profileName() const
{
    const int index = m_profileBox->currentIndex();
    return index >= 0 && index < m_choices.size() ? m_choices.at(index).name : QString();
}

QString EndpointPicker::model() const
{
    return m_modelBox->currentText().trimmed();
}

void EndpointPicker::setExperimentNote(const QString& note)
{
    m_experimentNote->setText(note);
    m_experimentNote->setVisible(!note.isEmpty());
    m_profileBox->setToolTip(note);
    m_modelBox->setToolTip(note);
}

QString EndpointPicker::experimentNote() const
{
    return m_experimentNote->text();
}

void EndpointPicker::setDemoEndpoint(const QUrl& baseUrl)
{
    m_demoUrl = baseUrl;
    rebuild(profileName());
}

void EndpointPicker::reloadProfiles()
{
    rebuild(profileName());
}

void EndpointPicker::rebuild(const QString& keepSelection)
{
    m_choices.clear();
    if (const auto environment = EndpointProfile::fromEnvironment()) {
        Choice choice;
        choice.name = environment->name;
        choice.config = environment->toConfig(qEnvironmentVariable("OPENAI_API_KEY").trimmed());
        choice.error = EndpointConfig::controlCharacterError(choice.config.apiKey,
                                                             tr("the API key in OPENAI_API_KEY"));
        choice.defaultModel = environment->defaultModel;
        choice.label = tr("Environment · %1").arg(EndpointConfig::displayUrl(environment->baseUrl));
        m_choices.append(choice);
    }
    for (const EndpointProfile& profile : m_profiles->profiles()) {
        Choice choice;
        choice.name = profile.name;
        choice.config = profile.toConfig(QString());
        choice.defaultModel = profile.defaultModel;
        choice.label = profile.name;
        m_choices.append(choice);
    }
    if (m_demoUrl.isValid()) {
        Choice choice;
        choice.name = EndpointProfile::demoName;
        choice.config.baseUrl = m_demoUrl;
        choice.simulated = true;
        choice.label = tr("Demo endpoint (simulated)");
        m_choices.append(choice);
    }

    int select = 0;
    {
        const QSignalBlocker blocker(m_profileBox);
        m_profileBox->clear();
        for (int i = 0; i < m_choices.size(); ++i) {
            const Choice& choice = m_choices.at(i);
            m_profileBox->addItem(choice.label);
            m_profileBox->setItemData(i, EndpointConfig::displayUrl(choice.config.baseUrl),
                                      Qt::ToolTipRole);
            if (choice.name == keepSelection)
                select = i;
        }
        m_profileBox->setCurrentIndex(m_choices.isEmpty() ? -1 : select);
    }
    // A rebuild that keeps the same, already usable profile does not reconnect anything.
    if (!m_choices.isEmpty() && !(m_ready && m_choices.at(select).name == keepSelection))
        onProfileChosen(select);
}

bool EndpointPicker::selectProfile(const QString& name, const QString& model)
{
    for (int i = 0; i < m_choices.size(); ++i) {
        if (m_choices.at(i).name != name)
            continue;
        if (i == m_profileBox->currentIndex()) {
            if (!model.isEmpty() && model != this->model())
                m_modelBox->setCurrentText(model);
        } else {
            m_wantedModel = model;
            m_profileBox->setCurrentIndex(i); // onProfileChosen
        }
        return true;
    }
    return false;
}

void EndpointPicker::onProfileChosen(int index)
{
    if (index < 0 || index >= m_choices.size())
        return;
    const Choice choice = m_choices.at(index);
    m_ready = false;
    const int generation = ++m_generation;
    const bool insecure =
        !choice.simulated && EndpointProfile::isInsecureRemote(choice.config.baseUrl);
    m_noteIcon->setVisible(insecure && choice.error.isEmpty());
    if (choice.simulated)
        m_note->setText(tr("simulated answers"));
    else if (insecure)
        m_note->setText(tr("unencrypted http: the key and prompts cross the network in clear"));
    else
        m_note->clear();
    if (!choice.error.isEmpty()) {
        m_note->setText(choice.error);
        emit messageChanged(choice.error);
        return;
    }
    if (choice.simulated || choice.name == EndpointProfile::environmentName)
        return announce(choice, choice.config);

    auto* resolver = new ProfileResolver(m_profiles->fileName(), this);
    resolver->resolve(choice.name, this,
                      [this, resolver, choice, generation](const ProfileResolver::Result& result) {
                          resolver->deleteLater();
                          if (generation != m_generation)
                              return;
                          if (!result.ok()) {
                              m_noteIcon->hide(); // the note is the error now
                              m_note->setText(result.error);
                              emit messageChanged(result.error);
                              return;
                          }
                          announce(choice, result.config);
                      });
}

void EndpointPicker::announce(const Choice& choice, const EndpointConfig& config)
{
    m_endpoint = config;
    m_ready = true;
    if (m_wantedModel.isEmpty())
        m_wantedModel = choice.defaultModel;
    emit endpointChanged(config, choice.name);
    refreshModels();
}

void EndpointPicker::refreshModels()
{
    if (!m_ready)
        return;
    m_refreshButton->setEnabled(false);
    const int generation = m_generation;
    auto* fetcher = new ModelsFetcher(m_network, m_endpoint, this);
    connect(fetcher, &ModelsFetcher::finished, this,
            [this, fetcher, generation](const QStringList& models,
                                        const std::optional<ApiError>& error) {
                fetcher->deleteLater();
                if (generation != m_generation)
                    return;
                m_refreshButton->setEnabled(true);
                const QString wanted = m_wantedModel.isEmpty() ? model() : m_wantedModel;
                m_wantedModel.clear();
                if (error) {
                    emit messageChanged(
                        tr("Could not list models: %1 (type a model name)").arg(error->message));
                    if (!wanted.isEmpty())
                        m_modelBox->setCurrentText(wanted);
                } else {
                    const QSignalBlocker blocker(m_modelBox);
                    m_modelBox->clear();
                    m_modelBox->addItems(models);
                    const int keep = models.indexOf(wanted);
                    if (keep >= 0)
                        m_modelBox->setCurrentIndex(keep);
                    else if (!wanted.isEmpty())
                        m_modelBox->setCurrentText(wanted); // not listed: typed by hand
                    else
                        m_modelBox->setCurrentIndex(models.isEmpty() ? -1 : 0);
                }
                emit modelChanged(model());
                emit modelsListed();
            });
    fetcher->start();
}

} // namespace adminchat
