#include "AboutDialog.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QIcon>
#include <QLabel>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace adminchat {

AboutDialog::AboutDialog(const ComponentVersions& versions, QWidget* parent)
    : QDialog(parent), m_versions(new QLabel(this))
{
    setObjectName(QStringLiteral("aboutDialog"));
    setWindowTitle(tr("About AdminChat"));

    auto* icon = new QLabel(this);
    icon->setPixmap(QApplication::windowIcon().pixmap(64, 64));
    icon->setAccessibleName(tr("AdminChat icon"));
    auto* title = new QLabel(QStringLiteral("<h2>AdminChat %1</h2>").arg(versions.adminchat), this);
    title->setObjectName(QStringLiteral("aboutTitle"));
    auto* summary = new QLabel(tr("A desktop chat client for OpenAI-compatible endpoints, with a "
                                  "live dashboard of how fast and how reliably they answer."),
                               this);
    summary->setWordWrap(true);

    const QString unknown = tr("unknown");
    m_versions->setObjectName(QStringLiteral("aboutVersions"));
    m_versions->setTextFormat(Qt::PlainText);
    m_versions->setTextInteractionFlags(Qt::TextSelectableByMouse); // for bug reports
    m_versions->setText(tr("AdminChat %1\nQt %2 (built with %3)\nlibcurl %4\nSQLite %5")
                            .arg(versions.adminchat, versions.qt, QStringLiteral(QT_VERSION_STR),
                                 versions.libcurl.isEmpty() ? unknown : versions.libcurl,
                                 versions.sqlite.isEmpty() ? unknown : versions.sqlite));

    auto* licences = new QTextBrowser(this);
    licences->setObjectName(QStringLiteral("aboutLicences"));
    licences->setAccessibleName(tr("Licences"));
    licences->setOpenExternalLinks(true);
    licences->setHtml(
        tr("<p><b>AdminChat</b> is free software: its source is under the MIT licence, and you "
           "may use, copy, modify and share it; it comes with no warranty. This program links "
           "Qt Charts, which is under the GPL 3, so the program as built is distributed under "
           "the GPL 3 as a whole.</p>"
           "<p>It uses these libraries, each under its own licence:</p><ul>"
           "<li><b>Qt</b> (Core, GUI, Widgets, Network, SQL, Charts): LGPL 3 (Charts: GPL 3) "
           "&mdash; <a href=\"https://www.qt.io/licensing/\">qt.io/licensing</a></li>"
           "<li><b>libcurl</b>: the curl licence (MIT-style) &mdash; "
           "<a href=\"https://curl.se/docs/copyright.html\">curl.se/docs/copyright.html</a></li>"
           "<li><b>SQLite</b>: public domain &mdash; "
           "<a href=\"https://sqlite.org/copyright.html\">sqlite.org/copyright.html</a></li>"
           "<li><b>QtKeychain</b>: BSD 3-clause</li>"
           "<li><b>OpenSSL</b>: Apache 2.0</li></ul>"
           "<p>On Debian the full texts are in /usr/share/doc/&lt;package&gt;/copyright.</p>"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* header = new QHBoxLayout;
    header->addWidget(icon, 0, Qt::AlignTop);
    auto* text = new QVBoxLayout;
    text->addWidget(title);
    text->addWidget(summary);
    text->addWidget(m_versions);
    header->addLayout(text, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(licences, 1);
    layout->addWidget(buttons);
    resize(520, 480);
}

QString AboutDialog::versionsText() const
{
    return m_versions->text();
}

} // namespace adminchat
