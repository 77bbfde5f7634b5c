#pragma once

#include "endpoints/EndpointProfile.h"

#include <QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTabWidget;

namespace adminchat {

class ProbeSettingsForm;

// The fields of one endpoint profile, checked as they are typed: name, base URL (with the URL
// it will call and a warning for plain http to a remote host), default model, API key, extra
// headers, timeouts, retries, CA file, stream_options and predictions; on a second tab, how the
// endpoint is watched (ProbeSettingsForm). The key is write-only: the
// field starts empty and stays empty unless a new key is typed.
class ProfileForm : public QWidget
{
    Q_OBJECT
public:
    explicit ProfileForm(QWidget* parent = nullptr);

    // Fills the fields; the key field is cleared and its placeholder says whether one is stored.
    void setProfile(const EndpointProfile& profile);
    // The profile as typed, or std::nullopt and a one-line *error (the first problem found).
    // hasKey is left as setProfile() gave it.
    std::optional<EndpointProfile> profile(QString* error = nullptr) const;

    // Whether a field differs from what setProfile() filled in.
    bool isModified() const;
    const EndpointProfile& loadedProfile() const { return m_loaded; }
    QString typedName() const;
    QString typedKey() const; // empty: keep what is stored
    // Secret header values to store in the keychain: those typed, and those an older version
    // left in the settings file. profile() gives kept secret headers an empty value.
    QList<QPair<QByteArray, QByteArray>> secretValues() const;
    // What the headers field shows in place of a stored secret value.
    static QString storedMarker();
    static QString bearerText(); // the key header choice that sends a bearer token
    bool removeKeyChecked() const;
    void setModels(const QStringList& models); // keeps the typed default model
    void setKeyError(const QString& error);    // empty hides it
    void focusName();
    void showWatchTab();

signals:
    void edited();

private:
    void validate();
    QStringList fieldValues() const; // every field as shown, to tell an edit
    void updateKeyField();
    void browseCaFile();
    QString headersError(QList<QPair<QByteArray, QByteArray>>* headers) const;
    // The one base URL check (EndpointConfig::parseBaseUrl, EndpointProfile::baseUrlError).
    static std::optional<QUrl> typedUrl(const QString& text, QString* error);
    // The one wording of a missing CA file, shown under the field and refused by profile().
    static QString caFileError(const QString& path);
    static void showError(QLabel* label, const QString& error);

    EndpointProfile m_loaded;
    QStringList m_loadedValues;
    QLineEdit* m_name;
    QLabel* m_nameError;
    QLineEdit* m_baseUrl;
    QLabel* m_urlPreview;
    QLabel* m_urlError;
    QWidget* m_insecureRow; // the style's warning icon and m_insecureWarning
    QLabel* m_insecureWarning;
    QComboBox* m_defaultModel;
    QComboBox* m_provider;
    QLineEdit* m_apiKey;
    QComboBox* m_keyHeader;
    QCheckBox* m_removeKey;
    QLabel* m_keyHint;
    QLabel* m_keyError;
    QPlainTextEdit* m_headers;
    ProbeSettingsForm* m_probe;
    QTabWidget* m_tabs;
    QLabel* m_headersError;
    QSpinBox* m_connectTimeout;
    QSpinBox* m_idleTimeout;
    QSpinBox* m_totalTimeout;
    QSpinBox* m_maxRetries;
    QLineEdit* m_caFile;
    QPushButton* m_browseCaFile;
    QLabel* m_caFileError;
    QCheckBox* m_sendStreamOptions;
    QCheckBox* m_sendPrediction;
};

} // namespace adminchat
