#pragma once

#include "openai/RequestParameters.h"

#include <QWidget>
#include <optional>

class QComboBox;
class QLineEdit;
class QPlainTextEdit;

namespace adminchat {

// Fields for RequestParameters. A field left empty is not sent, so the server's default applies;
// the placeholders say so. Numbers are typed, not spun, so that "unset" needs no extra switch.
class ParametersForm : public QWidget
{
    Q_OBJECT
public:
    explicit ParametersForm(QWidget* parent = nullptr);

    void setParameters(const RequestParameters& parameters);
    // What the fields say, or nullopt and a one-line *error naming the first invalid field.
    std::optional<RequestParameters> parameters(QString* error) const;

signals:
    void edited(); // by the user, any field

private:
    QPlainTextEdit* m_system;
    QLineEdit* m_temperature;
    QLineEdit* m_topP;
    QLineEdit* m_maxTokens;
    QPlainTextEdit* m_stop; // one sequence per line
    QLineEdit* m_seed;
    QComboBox* m_effort; // first item: not sent
};

} // namespace adminchat
