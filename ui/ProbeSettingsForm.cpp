#include "ProbeSettingsForm.h"

#include "ToneLabel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace adminchat {

namespace {

QSpinBox* spinBox(QWidget* parent, const char* name, int minimum, int maximum,
                  const QString& suffix = {})
{
    auto* box = new QSpinBox(parent);
    box->setObjectName(QLatin1String(name));
    box->setRange(minimum, maximum);
    box->setSuffix(suffix);
    return box;
}

QLabel* label(const QString& text, QWidget* buddy, QWidget* parent)
{
    auto* result = new QLabel(text, parent);
    result->setBuddy(buddy);
    return result;
}

enum CheckKind
{
    NoCheck,
    Substring,
    Regex
};

} // namespace

ProbeSettingsForm::ProbeSettingsForm(QWidget* parent)
    : QWidget(parent),
      m_enabled(new QCheckBox(tr("&Watch this endpoint: send a small request at an interval, "
                                 "even when nobody chats"),
                              this)),
      m_interval(spinBox(this, "probeInterval", ProbeSettings::minIntervalS,
                         ProbeSettings::maxIntervalS, QStringLiteral(" s"))),
      m_prompts(new QPlainTextEdit(this)), m_models(new QLineEdit(this)),
      m_maxTokens(spinBox(this, "probeMaxTokens", 1, 100'000)),
      m_timeout(spinBox(this, "probeTimeout", 1, 3600, QStringLiteral(" s"))),
      m_checkKind(new QComboBox(this)), m_expect(new QLineEdit(this)),
      m_budget(spinBox(this, "probeBudget", 0, std::numeric_limits<int>::max(), tr(" tokens"))),
      m_slowAbove(spinBox(this, "probeSlowAbove", 1, 600'000, QStringLiteral(" ms"))),
      m_failures(spinBox(this, "probeFailures", 1, 100)),
      m_error(new ToneLabel(this, ToneLabel::Tone::Error)), m_fields(new QWidget(this))
{
    m_enabled->setObjectName(QStringLiteral("probeEnabled"));
    m_prompts->setObjectName(QStringLiteral("probePrompts"));
    m_prompts->setPlaceholderText(ProbeSettings::defaultPrompt);
    m_prompts->setToolTip(tr("One prompt per line; several are sent in turn. A short prompt "
                             "measures latency; a long answer measures output speed."));
    m_prompts->setTabChangesFocus(true);
    m_prompts->setFixedHeight(m_prompts->fontMetrics().lineSpacing() * 3 + 12);
    m_models->setObjectName(QStringLiteral("probeModels"));
    m_models->setPlaceholderText(tr("the default model"));
    m_models->setToolTip(tr("Models to probe, separated by commas; each is watched apart. The "
                            "answer must name the model asked for."));
    m_interval->setToolTip(tr("Mean time between two probes; each waits ±10 % of it, and longer "
                              "while the endpoint is down."));
    m_checkKind->setObjectName(QStringLiteral("probeCheckKind"));
    m_checkKind->addItems({tr("No content check"), tr("Answer contains"), tr("Answer matches")});
    m_expect->setObjectName(QStringLiteral("probeExpect"));
    m_expect->setPlaceholderText(tr("e.g. 391 for “What is 17*23?”"));
    m_budget->setSpecialValueText(tr("no limit"));
    m_budget->setToolTip(tr("Prompt and output tokens the probes may use per UTC day; probing "
                            "pauses until the next day when they are used up."));
    m_slowAbove->setToolTip(tr("A time to first token above this makes a probe slow: the "
                               "endpoint is degraded after two slow probes in a row."));
    m_failures->setToolTip(tr("Failed probes in a row before the endpoint is down."));
    m_error->setObjectName(QStringLiteral("probeError"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->hide();

    auto* check = new QHBoxLayout;
    check->addWidget(m_checkKind);
    check->addWidget(m_expect, 1);
    auto* form = new QFormLayout(m_fields);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(label(tr("&Interval:"), m_interval, m_fields), m_interval);
    form->addRow(label(tr("&Prompts:"), m_prompts, m_fields), m_prompts);
    form->addRow(label(tr("M&odels:"), m_models, m_fields), m_models);
    form->addRow(label(tr("Max &tokens:"), m_maxTokens, m_fields), m_maxTokens);
    form->addRow(label(tr("Time&out:"), m_timeout, m_fields), m_timeout);
    form->addRow(label(tr("&Content check:"), m_checkKind, m_fields), check);
    form->addRow(label(tr("Daily &budget:"), m_budget, m_fields), m_budget);
    form->addRow(label(tr("&Slow above:"), m_slowAbove, m_fields), m_slowAbove);
    form->addRow(label(tr("&Down after:"), m_failures, m_fields), m_failures);
    m_failures->setSuffix(tr(" failed probes"));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_enabled);
    layout->addWidget(m_fields);
    layout->addWidget(m_error);
    layout->addStretch(1);

    connect(m_enabled, &QCheckBox::toggled, this, &ProbeSettingsForm::updateEnabled);
    connect(m_checkKind, &QComboBox::currentIndexChanged, this, &ProbeSettingsForm::updateEnabled);
    for (QSpinBox* box : {m_interval, m_maxTokens, m_timeout, m_budget, m_slowAbove, m_failures})
        connect(box, &QSpinBox::valueChanged, this, &ProbeSettingsForm::edited);
    for (QLineEdit* edit : {m_models, m_expect})
        connect(edit, &QLineEdit::textEdited, this, &ProbeSettingsForm::edited);
    connect(m_expect, &QLineEdit::textChanged, this, &ProbeSettingsForm::validate);
    connect(m_prompts, &QPlainTextEdit::textChanged, this, &ProbeSettingsForm::edited);
    connect(m_enabled, &QCheckBox::toggled, this, &ProbeSettingsForm::edited);
    connect(m_checkKind, &QComboBox::currentIndexChanged, this, &ProbeSettingsForm::edited);
    setSettings({});
}

void ProbeSettingsForm::setSettings(const ProbeSettings& settings)
{
    m_loaded = settings;
    m_enabled->setChecked(settings.enabled);
    m_interval->setValue(settings.intervalS);
    m_prompts->setPlainText(settings.prompts.join(QLatin1Char('\n')));
    m_models->setText(settings.models.join(QStringLiteral(", ")));
    m_maxTokens->setValue(settings.maxTokens);
    m_timeout->setValue(settings.timeoutS);
    m_checkKind->setCurrentIndex(settings.expect.isEmpty() ? NoCheck
                                 : settings.expectRegex    ? Regex
                                                           : Substring);
    m_expect->setText(settings.expect);
    m_budget->setValue(int(std::min<qint64>(settings.dailyTokenBudget, m_budget->maximum())));
    m_slowAbove->setValue(settings.latencyThresholdMs);
    m_failures->setValue(settings.failuresForDown);
    updateEnabled();
}

QStringList ProbeSettingsForm::fieldValues() const
{
    return {QString::number(int(m_enabled->isChecked())),
            m_interval->text(),
            m_prompts->toPlainText(),
            m_models->text(),
            m_maxTokens->text(),
            m_timeout->text(),
            m_checkKind->currentText(),
            m_expect->text(),
            m_budget->text(),
            m_slowAbove->text(),
            m_failures->text()};
}

std::optional<ProbeSettings> ProbeSettingsForm::settings(QString* error) const
{
    ProbeSettings result = m_loaded;
    result.enabled = m_enabled->isChecked();
    result.intervalS = m_interval->value();
    result.prompts.clear();
    for (const QString& line : m_prompts->toPlainText().split(QLatin1Char('\n'))) {
        if (!line.trimmed().isEmpty())
            result.prompts << line.trimmed();
    }
    result.models.clear();
    for (const QString& model : m_models->text().split(QLatin1Char(','))) {
        if (!model.trimmed().isEmpty())
            result.models << model.trimmed();
    }
    result.maxTokens = m_maxTokens->value();
    result.timeoutS = m_timeout->value();
    const int kind = m_checkKind->currentIndex();
    result.expect = kind == NoCheck ? QString() : m_expect->text();
    result.expectRegex = kind == Regex;
    result.dailyTokenBudget = m_budget->value();
    result.latencyThresholdMs = m_slowAbove->value();
    result.failuresForDown = m_failures->value();
    if (!result.enabled)
        return result; // kept as typed, checked when watching is turned on
    if (kind != NoCheck && result.expect.isEmpty()) {
        if (error)
            *error = tr("watch: the content check needs the text the answer must contain");
        return std::nullopt;
    }
    if (const QString problem = result.validationError(); !problem.isEmpty()) {
        if (error)
            *error = tr("watch: %1").arg(problem);
        return std::nullopt;
    }
    return result;
}

void ProbeSettingsForm::updateEnabled()
{
    m_fields->setEnabled(m_enabled->isChecked());
    m_expect->setEnabled(m_checkKind->currentIndex() != NoCheck);
    validate();
}

void ProbeSettingsForm::validate()
{
    QString error;
    const bool ok = settings(&error).has_value();
    m_error->setText(ok ? QString() : error);
    m_error->setVisible(!ok);
}

} // namespace adminchat
