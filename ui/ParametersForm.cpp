#include "ParametersForm.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QPlainTextEdit>

namespace adminchat {

namespace {

QString numberText(const std::optional<double>& value)
{
    return value ? QString::number(*value, 'g', 6) : QString();
}

QLineEdit* numberField(QWidget* parent, const QString& name, const QString& placeholder)
{
    auto* field = new QLineEdit(parent);
    field->setObjectName(name);
    field->setPlaceholderText(placeholder);
    field->setClearButtonEnabled(true);
    return field;
}

} // namespace

ParametersForm::ParametersForm(QWidget* parent) : QWidget(parent)
{
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    const QString serverDefault = tr("server default");

    m_system = new QPlainTextEdit(this);
    m_system->setObjectName(QStringLiteral("systemField"));
    m_system->setPlaceholderText(tr("none"));
    m_system->setTabChangesFocus(true);
    m_system->setMaximumHeight(m_system->fontMetrics().lineSpacing() * 5);
    form->addRow(tr("System prompt"), m_system);

    m_temperature = numberField(this, QStringLiteral("temperatureField"),
                                serverDefault + QStringLiteral(" (0 – 2)"));
    form->addRow(tr("Temperature"), m_temperature);
    m_topP =
        numberField(this, QStringLiteral("topPField"), serverDefault + QStringLiteral(" (0 – 1)"));
    form->addRow(tr("Top p"), m_topP);
    m_maxTokens = numberField(this, QStringLiteral("maxTokensField"), serverDefault);
    form->addRow(tr("Max tokens"), m_maxTokens);

    m_stop = new QPlainTextEdit(this);
    m_stop->setObjectName(QStringLiteral("stopField"));
    m_stop->setPlaceholderText(tr("none; one sequence per line"));
    m_stop->setTabChangesFocus(true);
    m_stop->setMaximumHeight(m_stop->fontMetrics().lineSpacing() * 4);
    form->addRow(tr("Stop sequences"), m_stop);

    m_seed = numberField(this, QStringLiteral("seedField"), tr("none"));
    form->addRow(tr("Seed"), m_seed);

    m_effort = new QComboBox(this);
    m_effort->setObjectName(QStringLiteral("effortField"));
    m_effort->addItem(tr("not sent"), QString());
    for (const QString& effort : RequestParameters::reasoningEfforts())
        m_effort->addItem(effort, effort);
    m_effort->setToolTip(tr("reasoning_effort, for models that take it"));
    form->addRow(tr("Reasoning effort"), m_effort);

    for (QLineEdit* field : {m_temperature, m_topP, m_maxTokens, m_seed})
        connect(field, &QLineEdit::textEdited, this, &ParametersForm::edited);
    for (QPlainTextEdit* field : {m_system, m_stop})
        connect(field, &QPlainTextEdit::textChanged, this, [this, field] {
            if (field->hasFocus())
                emit edited();
        });
    connect(m_effort, &QComboBox::activated, this, &ParametersForm::edited);
}

void ParametersForm::setParameters(const RequestParameters& p)
{
    m_system->setPlainText(p.system);
    m_temperature->setText(numberText(p.temperature));
    m_topP->setText(numberText(p.topP));
    m_maxTokens->setText(p.maxTokens ? QString::number(*p.maxTokens) : QString());
    m_stop->setPlainText(p.stop.join(QLatin1Char('\n')));
    m_seed->setText(p.seed ? QString::number(*p.seed) : QString());
    const int effort = m_effort->findData(p.reasoningEffort);
    m_effort->setCurrentIndex(effort < 0 ? 0 : effort);
}

std::optional<RequestParameters> ParametersForm::parameters(QString* error) const
{
    RequestParameters p;
    p.system = m_system->toPlainText().trimmed();
    auto text = [](const QLineEdit* field) {
        return field->text().trimmed();
    };
    if (!text(m_temperature).isEmpty() && !(p.temperature = RequestParameters::parseTemperature(
                                                text(m_temperature), tr("Temperature"), error)))
        return std::nullopt;
    if (!text(m_topP).isEmpty() &&
        !(p.topP = RequestParameters::parseTopP(text(m_topP), tr("Top p"), error)))
        return std::nullopt;
    if (!text(m_maxTokens).isEmpty() && !(p.maxTokens = RequestParameters::parseMaxTokens(
                                              text(m_maxTokens), tr("Max tokens"), error)))
        return std::nullopt;
    if (!text(m_seed).isEmpty() &&
        !(p.seed = RequestParameters::parseSeed(text(m_seed), tr("Seed"), error)))
        return std::nullopt;
    // Lines are kept as typed (a stop sequence may be a space); only empty lines go.
    for (const QString& line : m_stop->toPlainText().split(QLatin1Char('\n'))) {
        if (!line.isEmpty())
            p.stop << line;
    }
    p.reasoningEffort = m_effort->currentData().toString();
    return p;
}

} // namespace adminchat
