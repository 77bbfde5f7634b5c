#pragma once

#include "net/EndpointConfig.h"

#include <QUrl>
#include <QWidget>

class QComboBox;
class QLabel;
class QNetworkAccessManager;
class QToolButton;

namespace adminchat {

class ProfileStore;

// The endpoint and model choice above the chat: the built-in demo endpoint, the Environment
// profile (OPENAI_BASE_URL), the saved profiles, and the models the chosen endpoint lists
// (editable, for endpoints without GET /models). A saved profile's key is read from the
// keychain (or its environment variable) before the endpoint is announced.
class EndpointPicker : public QWidget
{
    Q_OBJECT
public:
    EndpointPicker(ProfileStore* profiles, QNetworkAccessManager* network,
                   QWidget* parent = nullptr);

    void setDemoEndpoint(const QUrl& baseUrl); // once the built-in endpoint listens
    void reloadProfiles();                     // after the profile editor changed them
    // Chooses a profile (and then a model, when given); false when there is no such profile.
    bool selectProfile(const QString& name, const QString& model = {});
    void refreshModels();
    // Says that an A/B experiment sets the endpoint and model of the shown conversation (empty:
    // it does not); shown beside the pickers and as their tooltip.
    void setExperimentNote(const QString& note);
    QString experimentNote() const;

    QString profileName() const;
    QString model() const;
    bool hasEndpoint() const { return m_ready; }
    const EndpointConfig& endpoint() const { return m_endpoint; }

signals:
    // The chosen profile is usable (key resolved). Models are being listed.
    void endpointChanged(const adminchat::EndpointConfig& endpoint, const QString& profile);
    void modelChanged(const QString& model);
    void modelsListed(); // after each model list answer or failure
    void editProfilesRequested();
    void messageChanged(const QString& message); // one line for the status bar

private:
    struct Choice
    {
        QString name;
        QString label;
        EndpointConfig config; // without a key for saved profiles until resolved
        QString defaultModel;
        bool simulated = false;
        QString error; // why it cannot be used (a key with a line break in it)
    };

    void rebuild(const QString& keepSelection);
    void onProfileChosen(int index);
    void announce(const Choice& choice, const EndpointConfig& config);

    ProfileStore* m_profiles;
    QNetworkAccessManager* m_network;
    QUrl m_demoUrl;
    QList<Choice> m_choices;
    EndpointConfig m_endpoint;
    bool m_ready = false;
    QString m_wantedModel; // applied when the model list arrives
    int m_generation = 0;  // drops answers for a profile no longer chosen

    QComboBox* m_profileBox;
    QComboBox* m_modelBox;
    QToolButton* m_refreshButton;
    QToolButton* m_editButton;
    QLabel* m_noteIcon; // a warning sign beside m_note, shown for plain http only
    QLabel* m_note;
    QLabel* m_experimentNote;
};

} // namespace adminchat
