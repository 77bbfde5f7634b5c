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

namespace adminchat {

// The fields of one endpoint profile, checked as they are typed: name, base URL (with the URL
// it will call and a warning for plain http to a remote host), default model, API key, extra
// headers, timeouts, retries, CA file, stream_options and predictions. The key is write-only: the
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

    QString typedKey() const; // empty: keep what is stored
    bool removeKeyChecked() const;
    void setModels(const QStringList& models); // keeps the typed default model
    void setKeyError(const QString& error);    // empty hides it
    void focusName();

signals:
    void edited();

private:
    void validate();
    void updateKeyField();
    void browseCaFile();
    QString headersError(QList<QPair<QByteArray, QByteArray>>* headers) const;
    static QUrl typedUrl(const QString& text);
    static void showError(QLabel* label, const QString& error);

    EndpointProfile m_loaded;
    QLineEdit* m_name;
    QLabel* m_nameError;
    QLineEdit* m_baseUrl;
    QLabel* m_urlPreview;
    QLabel* m_urlError;
    QLabel* m_insecureWarning;
    QComboBox* m_defaultModel;
    QLineEdit* m_apiKey;
    QCheckBox* m_removeKey;
    QLabel* m_keyHint;
    QLabel* m_keyError;
    QPlainTextEdit* m_headers;
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
