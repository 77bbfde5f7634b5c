#include "ProfileForm.h"

#include "ProbeSettingsForm.h"
#include "ToneLabel.h"
#include "endpoints/KeyStore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>

namespace adminchat {

namespace {

QLabel* dimLabel(QWidget* parent, const char* name)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QLatin1String(name));
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setEnabled(false); // the dim text colour
    return label;
}

QLabel* errorLabel(QWidget* parent, const char* name)
{
    auto* label = new ToneLabel(parent, ToneLabel::Tone::Error);
    label->setObjectName(QLatin1String(name));
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->hide();
    return label;
}

// A form label whose mnemonic moves the focus to `buddy`. QFormLayout only sets a buddy for a
// field that is a widget, and a label without one shows its '&' literally.
QLabel* fieldLabel(const QString& text, QWidget* buddy, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}

// A row of messages below a field, `lines` of text high whether or not any shows, so that a
// hint, warning or error appearing never moves the fields below it.
QWidget* messageSlot(QWidget* parent, int lines, const QList<QWidget*>& messages)
{
    auto* slot = new QWidget(parent);
    auto* layout = new QVBoxLayout(slot);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    for (QWidget* message : messages)
        layout->addWidget(message);
    layout->addStretch();
    slot->setFixedHeight(slot->fontMetrics().lineSpacing() * lines + 2);
    return slot;
}

QSpinBox* secondsBox(QWidget* parent, const char* name, int minimum, int maximum)
{
    auto* box = new QSpinBox(parent);
    box->setObjectName(QLatin1String(name));
    box->setRange(minimum, maximum);
    box->setSuffix(QStringLiteral(" s"));
    return box;
}

} // namespace

ProfileForm::ProfileForm(QWidget* parent)
    : QWidget(parent), m_name(new QLineEdit(this)), m_nameError(errorLabel(this, "nameError")),
      m_baseUrl(new QLineEdit(this)), m_urlPreview(dimLabel(this, "urlPreview")),
      m_urlError(errorLabel(this, "urlError")), m_insecureRow(new QWidget(this)),
      m_insecureWarning(new ToneLabel(m_insecureRow, ToneLabel::Tone::Warning)),
      m_defaultModel(new QComboBox(this)), m_provider(new QComboBox(this)),
      m_apiKey(new QLineEdit(this)), m_keyHeader(new QComboBox(this)),
      m_removeKey(new QCheckBox(tr("Remove the stored key"), this)),
      m_keyHint(dimLabel(this, "keyHint")), m_keyError(errorLabel(this, "keyError")),
      m_headers(new QPlainTextEdit(this)), m_probe(new ProbeSettingsForm(this)),
      m_headersError(errorLabel(this, "headersError")),
      m_connectTimeout(secondsBox(this, "connectTimeout", 1, 600)),
      m_idleTimeout(secondsBox(this, "idleTimeout", 1, 3600)),
      m_totalTimeout(secondsBox(this, "totalTimeout", 0, 86400)), m_maxRetries(new QSpinBox(this)),
      m_caFile(new QLineEdit(this)), m_browseCaFile(new QPushButton(tr("Browse…"), this)),
      m_caFileError(errorLabel(this, "caFileError")),
      m_sendStreamOptions(new QCheckBox(tr("Send stream_options (usage while streaming)"), this)),
      m_sendPrediction(new QCheckBox(tr("Send the previous answer as a prediction on regenerate "
                                        "and edit (Predicted Outputs)"),
                                     this))
{
    m_name->setObjectName(QStringLiteral("profileName"));
    m_name->setMaxLength(EndpointProfile::maxNameLength);
    m_baseUrl->setObjectName(QStringLiteral("baseUrl"));
    m_baseUrl->setPlaceholderText(QStringLiteral("https://api.example.com/v1"));
    m_insecureWarning->setObjectName(QStringLiteral("insecureWarning"));
    m_insecureWarning->setWordWrap(true);
    m_insecureWarning->setTextFormat(Qt::PlainText);
    m_insecureWarning->setText(tr("Plain http to a remote host: the API key and your prompts "
                                  "would travel unencrypted. Use https."));
    auto* warningIcon = new QLabel(m_insecureRow);
    warningIcon->setObjectName(QStringLiteral("insecureWarningIcon"));
    const int iconSide = fontMetrics().height();
    warningIcon->setPixmap(
        style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(iconSide, iconSide));
    warningIcon->setAccessibleName(tr("Warning"));
    warningIcon->setAlignment(Qt::AlignTop);
    auto* warningLayout = new QHBoxLayout(m_insecureRow);
    warningLayout->setContentsMargins(0, 0, 0, 0);
    warningLayout->addWidget(warningIcon);
    warningLayout->addWidget(m_insecureWarning, 1);
    m_insecureRow->hide();
    m_defaultModel->setObjectName(QStringLiteral("defaultModel"));
    m_defaultModel->setEditable(true);
    m_defaultModel->setInsertPolicy(QComboBox::NoInsert);
    m_defaultModel->lineEdit()->setPlaceholderText(tr("Test connection lists the models"));
    m_provider->setObjectName(QStringLiteral("providerName"));
    m_provider->setEditable(true);
    m_provider->setInsertPolicy(QComboBox::NoInsert);
    // OpenTelemetry's well-known gen_ai.provider.name values for OpenAI-compatible endpoints.
    m_provider->addItems(
        {QStringLiteral("openai"), QStringLiteral("azure.ai.openai"), QStringLiteral("aws.bedrock"),
         QStringLiteral("gcp.vertex_ai"), QStringLiteral("deepseek"), QStringLiteral("groq"),
         QStringLiteral("mistral_ai"), QStringLiteral("perplexity"), QStringLiteral("x_ai")});
    m_provider->setToolTip(tr("Who serves this endpoint, as the telemetry names it "
                              "(gen_ai.provider.name in Prometheus and OpenTelemetry)"));
    m_apiKey->setObjectName(QStringLiteral("apiKey"));
    m_apiKey->setEchoMode(QLineEdit::Password);
    m_removeKey->setObjectName(QStringLiteral("removeKey"));
    m_keyHeader->setObjectName(QStringLiteral("keyHeader"));
    m_keyHeader->setEditable(true);
    m_keyHeader->setInsertPolicy(QComboBox::NoInsert);
    m_keyHeader->addItem(bearerText());
    m_keyHeader->addItem(QStringLiteral("api-key"));
    m_keyHeader->setToolTip(tr("How the key is sent: as a bearer token (OpenAI and most "
                               "servers), as api-key (Azure OpenAI), or as the whole value of "
                               "another header you name."));
    m_headers->setObjectName(QStringLiteral("extraHeaders"));
    m_headers->setPlaceholderText(tr("One per line, e.g.\nX-Team: research"));
    m_headers->setToolTip(tr("Values of headers named like credentials (key, token, secret, "
                             "auth, password, cookie) are stored in the keychain, never in the "
                             "settings file. A stored one shows as “%1”: leave it to keep it, "
                             "type a new value to replace it.")
                              .arg(storedMarker()));
    m_headers->setTabChangesFocus(true);
    m_headers->setFixedHeight(m_headers->fontMetrics().lineSpacing() * 4 + 12);
    m_totalTimeout->setSpecialValueText(tr("none"));
    m_maxRetries->setObjectName(QStringLiteral("maxRetries"));
    m_maxRetries->setRange(0, EndpointConfig::maxRetriesLimit);
    m_maxRetries->setSpecialValueText(tr("never"));
    m_maxRetries->setToolTip(tr("Times a request that fails before its answer starts (408, 409, "
                                "429, 5xx, connection error, timeout) is sent again, after a "
                                "growing pause or the server's retry-after. An answer that "
                                "has started is never sent again."));
    m_caFile->setObjectName(QStringLiteral("caFile"));
    m_caFile->setPlaceholderText(tr("system certificates only"));
    m_browseCaFile->setObjectName(QStringLiteral("browseCaFileButton"));
    m_sendStreamOptions->setObjectName(QStringLiteral("sendStreamOptions"));
    m_sendStreamOptions->setToolTip(tr("Asks for token usage at the end of a stream. Turn off "
                                       "for servers that reject it."));
    m_sendPrediction->setObjectName(QStringLiteral("sendPrediction"));
    m_sendPrediction->setToolTip(tr("Lets servers that support Predicted Outputs reuse the "
                                    "unchanged parts of the previous answer. Rejected "
                                    "prediction tokens are billed as output."));

    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(m_apiKey, 1);
    keyRow->addWidget(m_removeKey);
    auto* caRow = new QHBoxLayout;
    caRow->addWidget(m_caFile, 1);
    caRow->addWidget(m_browseCaFile);
    auto* timeouts = new QHBoxLayout;
    timeouts->addWidget(new QLabel(tr("connect"), this));
    timeouts->addWidget(m_connectTimeout);
    timeouts->addWidget(new QLabel(tr("idle"), this));
    timeouts->addWidget(m_idleTimeout);
    timeouts->addWidget(new QLabel(tr("total"), this));
    timeouts->addWidget(m_totalTimeout);
    timeouts->addStretch();

    auto* tabs = m_tabs = new QTabWidget(this);
    tabs->setObjectName(QStringLiteral("profileTabs"));
    tabs->setDocumentMode(true); // the fields on the dialog's own background
    auto* connection = new QWidget(tabs);
    auto* form = new QFormLayout(connection);
    form->addRow(fieldLabel(tr("&Name:"), m_name, this), m_name);
    form->addRow(QString(), messageSlot(this, 1, {m_nameError}));
    form->addRow(fieldLabel(tr("Base &URL:"), m_baseUrl, this), m_baseUrl);
    form->addRow(QString(), messageSlot(this, 3, {m_urlPreview, m_urlError, m_insecureRow}));
    form->addRow(fieldLabel(tr("Default &model:"), m_defaultModel, this), m_defaultModel);
    form->addRow(fieldLabel(tr("API &key:"), m_apiKey, this), keyRow);
    form->addRow(fieldLabel(tr("Key sent &as:"), m_keyHeader, this), m_keyHeader);
    form->addRow(QString(), messageSlot(this, 2, {m_keyHint, m_keyError}));
    form->addRow(fieldLabel(tr("Extra &headers:"), m_headers, this), m_headers);
    form->addRow(QString(), messageSlot(this, 1, {m_headersError}));
    form->addRow(fieldLabel(tr("&Timeouts:"), m_connectTimeout, this), timeouts);
    form->addRow(fieldLabel(tr("&Retries:"), m_maxRetries, this), m_maxRetries);
    form->addRow(fieldLabel(tr("CA &file:"), m_caFile, this), caRow);
    form->addRow(fieldLabel(tr("&Provider:"), m_provider, this), m_provider);
    form->addRow(QString(), messageSlot(this, 1, {m_caFileError}));
    form->addRow(QString(), m_sendStreamOptions);
    form->addRow(QString(), m_sendPrediction);
    tabs->addTab(connection, tr("Co&nnection"));
    tabs->addTab(m_probe, tr("&Watch"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(tabs);

    for (QLineEdit* edit : {m_name, m_baseUrl, m_caFile}) {
        connect(edit, &QLineEdit::textChanged, this, &ProfileForm::validate);
        connect(edit, &QLineEdit::textEdited, this, &ProfileForm::edited);
    }
    connect(m_name, &QLineEdit::textChanged, this, &ProfileForm::updateKeyField);
    connect(m_headers, &QPlainTextEdit::textChanged, this, &ProfileForm::validate);
    connect(m_keyHeader, &QComboBox::currentTextChanged, this, &ProfileForm::edited);
    connect(m_provider, &QComboBox::currentTextChanged, this, &ProfileForm::edited);
    connect(m_apiKey, &QLineEdit::textEdited, this, [this] {
        setKeyError(EndpointConfig::controlCharacterError(typedKey(), tr("the API key typed")));
        emit edited();
    });
    connect(m_removeKey, &QCheckBox::toggled, this, &ProfileForm::updateKeyField);
    connect(m_browseCaFile, &QPushButton::clicked, this, &ProfileForm::browseCaFile);
    connect(m_probe, &ProbeSettingsForm::edited, this, &ProfileForm::edited);
    setProfile(EndpointProfile{});
}

void ProfileForm::showWatchTab()
{
    m_tabs->setCurrentWidget(m_probe);
}

void ProfileForm::setProfile(const EndpointProfile& profile)
{
    m_loaded = profile;
    m_name->setText(profile.name);
    m_baseUrl->setText(profile.baseUrl.isEmpty() ? QString() : profile.baseUrl.toString());
    m_defaultModel->clear();
    m_defaultModel->setEditText(profile.defaultModel);
    m_apiKey->clear();
    m_keyHeader->setCurrentText(
        profile.keyHeader.isEmpty() ? bearerText() : QString::fromLatin1(profile.keyHeader));
    m_removeKey->setChecked(false);
    setKeyError({});
    QStringList headers;
    for (const auto& header : profile.extraHeaders) {
        // A secret value is never shown, not even one still in the settings file.
        headers << (profile.isSecretHeader(header.first)
                        ? QString::fromLatin1(header.first) + QStringLiteral(": ") + storedMarker()
                        : EndpointProfile::headerText(header));
    }
    m_headers->setPlainText(headers.join(QLatin1Char('\n')));
    m_connectTimeout->setValue((profile.connectTimeoutMs + 999) / 1000);
    m_idleTimeout->setValue((profile.idleTimeoutMs + 999) / 1000);
    m_totalTimeout->setValue((profile.totalTimeoutMs + 999) / 1000);
    m_maxRetries->setValue(profile.maxRetries);
    m_caFile->setText(profile.caFile);
    m_provider->setCurrentText(profile.providerName.isEmpty() ? QStringLiteral("openai")
                                                              : profile.providerName);
    m_sendStreamOptions->setChecked(profile.sendStreamOptions);
    m_sendPrediction->setChecked(profile.sendPrediction);
    m_probe->setSettings(profile.probe);
    updateKeyField();
    validate();
    m_loadedValues = fieldValues();
}

bool ProfileForm::isModified() const
{
    return fieldValues() != m_loadedValues;
}

QString ProfileForm::typedName() const
{
    return m_name->text().trimmed();
}

QStringList ProfileForm::fieldValues() const
{
    const auto flag = [](bool on) {
        return on ? QStringLiteral("1") : QStringLiteral("0");
    };
    return QStringList{m_name->text(),
                       m_baseUrl->text(),
                       m_defaultModel->currentText(),
                       m_apiKey->text(),
                       m_keyHeader->currentText(),
                       flag(m_removeKey->isChecked()),
                       m_headers->toPlainText(),
                       QString::number(m_connectTimeout->value()),
                       QString::number(m_idleTimeout->value()),
                       QString::number(m_totalTimeout->value()),
                       QString::number(m_maxRetries->value()),
                       m_caFile->text(),
                       m_provider->currentText(),
                       flag(m_sendStreamOptions->isChecked()),
                       flag(m_sendPrediction->isChecked())} +
           m_probe->fieldValues();
}

std::optional<EndpointProfile> ProfileForm::profile(QString* error) const
{
    auto fail = [error](const QString& message) {
        if (error)
            *error = message;
        return std::nullopt;
    };
    EndpointProfile result = m_loaded;
    result.kind = EndpointProfile::Kind::Saved;
    result.name = m_name->text().trimmed();
    if (const QString problem = EndpointProfile::nameError(result.name); !problem.isEmpty())
        return fail(problem);
    QString urlError;
    const std::optional<QUrl> url = typedUrl(m_baseUrl->text(), &urlError);
    if (!url)
        return fail(urlError);
    result.baseUrl = *url;
    result.defaultModel = m_defaultModel->currentText().trimmed();
    const QString keyHeader = m_keyHeader->currentText().trimmed();
    result.keyHeader.clear();
    if (keyHeader != bearerText() &&
        keyHeader.compare(QLatin1String(EndpointConfig::bearerHeader), Qt::CaseInsensitive) != 0) {
        if (const QString problem = EndpointConfig::headerNameError(keyHeader); !problem.isEmpty())
            return fail(tr("key header: %1").arg(problem));
        result.keyHeader = keyHeader.toLatin1();
    }
    result.extraHeaders.clear();
    result.secretHeaders.clear();
    result.plaintextSecrets.clear();
    QList<QPair<QByteArray, QByteArray>> headers;
    if (const QString problem = headersError(&headers); !problem.isEmpty())
        return fail(problem);
    for (const auto& [name, value] : std::as_const(headers)) {
        const bool kept = value == storedMarker().toUtf8();
        // Kept: the value stays where it is, and is filled in when the profile is resolved.
        result.setHeader(name, kept ? QByteArray() : value, kept || m_loaded.isSecretHeader(name));
    }
    result.connectTimeoutMs = m_connectTimeout->value() * 1000;
    result.idleTimeoutMs = m_idleTimeout->value() * 1000;
    result.totalTimeoutMs = m_totalTimeout->value() * 1000;
    result.maxRetries = m_maxRetries->value();
    result.caFile = m_caFile->text().trimmed();
    const QString provider = m_provider->currentText().trimmed();
    result.providerName = provider == QLatin1String("openai") ? QString() : provider;
    if (const QString problem = EndpointProfile::providerNameError(result.providerName);
        !problem.isEmpty())
        return fail(problem);
    if (const QString problem = caFileError(result.caFile); !problem.isEmpty())
        return fail(problem);
    result.sendStreamOptions = m_sendStreamOptions->isChecked();
    result.sendPrediction = m_sendPrediction->isChecked();
    QString probeError;
    const std::optional<ProbeSettings> probe = m_probe->settings(&probeError);
    if (!probe)
        return fail(probeError);
    result.probe = *probe;
    if (const QString problem =
            EndpointConfig::controlCharacterError(typedKey(), tr("the API key typed"));
        !problem.isEmpty())
        return fail(problem);
    return result;
}

QString ProfileForm::bearerText()
{
    return tr("Authorization: Bearer");
}

QString ProfileForm::storedMarker()
{
    return tr("(stored in the keychain)");
}

QList<QPair<QByteArray, QByteArray>> ProfileForm::secretValues() const
{
    QList<QPair<QByteArray, QByteArray>> values;
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!headersError(&headers).isEmpty())
        return values;
    const QByteArray marker = storedMarker().toUtf8();
    for (const auto& [name, value] : std::as_const(headers)) {
        if (value != marker) {
            if (m_loaded.isSecretHeader(name) || EndpointConfig::isCredentialHeader(name))
                values.append({name, value});
            continue;
        }
        // A value an older version left in the settings file moves to the keychain now.
        for (const auto& [loadedName, loadedValue] : m_loaded.extraHeaders) {
            if (loadedName.compare(name, Qt::CaseInsensitive) == 0 &&
                m_loaded.plaintextSecrets.contains(loadedName))
                values.append({name, loadedValue});
        }
    }
    return values;
}

QString ProfileForm::typedKey() const
{
    return m_removeKey->isChecked() ? QString() : m_apiKey->text().trimmed();
}

bool ProfileForm::removeKeyChecked() const
{
    return m_removeKey->isChecked();
}

void ProfileForm::setModels(const QStringList& models)
{
    const QString typed = m_defaultModel->currentText();
    m_defaultModel->clear();
    m_defaultModel->addItems(models);
    // An empty default takes the first model the server offers.
    m_defaultModel->setEditText(typed.isEmpty() ? models.value(0) : typed);
}

void ProfileForm::setKeyError(const QString& error)
{
    showError(m_keyError, error);
}

void ProfileForm::focusName()
{
    m_name->setFocus();
    m_name->selectAll();
}

void ProfileForm::validate()
{
    const QString name = m_name->text().trimmed();
    showError(m_nameError, name.isEmpty() ? QString() : EndpointProfile::nameError(name));

    QString urlError;
    const std::optional<QUrl> url = typedUrl(m_baseUrl->text(), &urlError);
    if (url) {
        const QUrl& normalized = *url;
        m_urlPreview->setText(
            tr("Calls %1/chat/completions").arg(EndpointConfig::displayUrl(normalized)));
        showError(m_urlError, {});
        m_insecureRow->setVisible(EndpointProfile::isInsecureRemote(normalized));
    } else {
        m_urlPreview->clear();
        showError(m_urlError, m_baseUrl->text().trimmed().isEmpty() ? QString() : urlError);
        m_insecureRow->hide();
    }
    showError(m_headersError, headersError(nullptr));
    const QString caFile = m_caFile->text().trimmed();
    showError(m_caFileError, caFileError(caFile));
}

void ProfileForm::updateKeyField()
{
    // A renamed profile carries its key along, so the stored-key state follows the loaded one.
    const bool stored = m_loaded.hasKey;
    m_removeKey->setVisible(stored);
    m_apiKey->setEnabled(!m_removeKey->isChecked());
    if (m_removeKey->isChecked())
        m_apiKey->clear();
    m_apiKey->setPlaceholderText(stored ? tr("unchanged (a key is stored)")
                                        : tr("stored in the OS keychain"));
    const QString name = m_name->text().trimmed();
    m_keyHint->setText(!name.isEmpty() && KeyStore::keyFromEnvironment(name)
                           ? tr("%1 is set and is used instead of the keychain.")
                                 .arg(KeyStore::environmentVariable(name))
                           : QString());
    m_keyHint->setVisible(!m_keyHint->text().isEmpty());
}

void ProfileForm::browseCaFile()
{
    // open(), not exec(): no nested event loop while the dialog is up.
    auto* dialog = new QFileDialog(this, tr("CA certificates (PEM)"), m_caFile->text(),
                                   tr("Certificates (*.pem *.crt *.cer);;All files (*)"));
    dialog->setObjectName(QStringLiteral("caFileDialog"));
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) {
        m_caFile->setText(path);
        emit edited();
    });
    dialog->open();
}

QString ProfileForm::headersError(QList<QPair<QByteArray, QByteArray>>* headers) const
{
    if (headers)
        headers->clear();
    const QStringList lines = m_headers->toPlainText().split(QLatin1Char('\n'));
    const QByteArray marker = storedMarker().toUtf8();
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (lines[i].trimmed().isEmpty())
            continue;
        QString error;
        const auto header = EndpointProfile::parseHeader(lines[i], &error);
        if (!header)
            return tr("line %1: %2").arg(i + 1).arg(error);
        if (header->second == marker && !m_loaded.isSecretHeader(header->first))
            return tr("line %1: no value of %2 is stored yet; type it")
                .arg(i + 1)
                .arg(QString::fromLatin1(header->first));
        if (headers)
            headers->append(*header);
    }
    return {};
}

std::optional<QUrl> ProfileForm::typedUrl(const QString& text, QString* error)
{
    std::optional<QUrl> url = EndpointConfig::parseBaseUrl(text, error);
    if (!url)
        return std::nullopt;
    if (QString problem = EndpointProfile::baseUrlError(*url); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    return url;
}

QString ProfileForm::caFileError(const QString& path)
{
    return path.isEmpty() || QFileInfo(path).isFile()
               ? QString()
               : tr("the CA file %1 does not exist").arg(path);
}

void ProfileForm::showError(QLabel* label, const QString& error)
{
    label->setText(error);
    label->setToolTip(error); // the whole of a message longer than its slot
    label->setVisible(!error.isEmpty());
}

} // namespace adminchat
