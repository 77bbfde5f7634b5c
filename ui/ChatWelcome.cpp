#include "ChatWelcome.h"

#include <QKeySequence>
#include <QLabel>
#include <QPushButton>
#include <QTextDocument>
#include <QVBoxLayout>

namespace adminchat {

namespace {

QString shortcutRow(const QString& keys, const QString& what)
{
    return QStringLiteral("<tr><td style='padding-right:16px'><b>%1</b></td><td>%2</td></tr>")
        .arg(keys.toHtmlEscaped(), what.toHtmlEscaped());
}

QString native(const QKeySequence& keys)
{
    return keys.toString(QKeySequence::NativeText);
}

} // namespace

ChatWelcome::ChatWelcome(QWidget* parent)
    : QWidget(parent), m_title(new QLabel(this)), m_body(new QLabel(this)),
      m_shortcuts(new QLabel(this)), m_addEndpoint(new QPushButton(this))
{
    setObjectName(QStringLiteral("chatWelcome"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 24, 24, 24);
    layout->setSpacing(12);

    m_title->setText(tr("Welcome to AdminChat"));
    QFont title = font();
    title.setPointSizeF(title.pointSizeF() > 0 ? title.pointSizeF() * 1.4 : 14);
    title.setBold(true);
    m_title->setFont(title);

    m_body->setWordWrap(true);
    m_body->setText(
        tr("You are connected to the built-in simulated endpoint: a small OpenAI-compatible "
           "server inside the app that makes up its answers, with realistic timings. Try it: "
           "its answers show Markdown, tables and code, and the model demo-reasoner shows its "
           "thinking first. Every answer is measured (time to first token, tokens per second) "
           "and shows on the dashboard."));

    m_addEndpoint->setObjectName(QStringLiteral("addEndpointButton"));
    m_addEndpoint->setText(tr("Add your endpoint…"));
    m_addEndpoint->setToolTip(
        tr("Add an OpenAI-compatible endpoint: vLLM, llama.cpp, OpenRouter, OpenAI or a gateway"));
    m_addEndpoint->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    connect(m_addEndpoint, &QPushButton::clicked, this, &ChatWelcome::addEndpointRequested);

    const QString rows =
        shortcutRow(native(QKeySequence::New), tr("New conversation")) +
        shortcutRow(tr("Enter or %1").arg(native(QKeySequence(Qt::CTRL | Qt::Key_Return))),
                    tr("Send")) +
        shortcutRow(tr("Shift+Enter"), tr("New line")) +
        shortcutRow(native(QKeySequence(Qt::Key_Escape)), tr("Stop the answer")) +
        shortcutRow(native(QKeySequence(Qt::CTRL | Qt::Key_R)), tr("Regenerate the last answer")) +
        shortcutRow(native(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C)),
                    tr("Copy the last answer")) +
        shortcutRow(native(QKeySequence(Qt::CTRL | Qt::Key_2)), tr("Dashboard")) +
        shortcutRow(tr("Shift+F10 or Menu"), tr("Actions of the focused message"));
    m_shortcuts->setTextFormat(Qt::RichText);
    m_shortcuts->setText(QStringLiteral("<p><b>%1</b></p><table>%2</table>")
                             .arg(tr("Shortcuts").toHtmlEscaped(), rows));

    layout->addStretch(1);
    layout->addWidget(m_title);
    layout->addWidget(m_body);
    layout->addWidget(m_addEndpoint);
    layout->addSpacing(8);
    layout->addWidget(m_shortcuts);
    layout->addStretch(2);
    // The page reads as one piece to a screen reader, before the button.
    setAccessibleName(m_title->text());
    setAccessibleDescription(m_body->text());
}

QString ChatWelcome::text() const
{
    QTextDocument shortcuts;
    shortcuts.setHtml(m_shortcuts->text());
    return QStringList{m_title->text(), m_body->text(), m_addEndpoint->text(),
                       shortcuts.toPlainText()}
        .join(QLatin1Char('\n'));
}

} // namespace adminchat
