// The endpoint profile form offscreen: every label's mnemonic reaches its field, no field moves
// when a hint, warning or error appears, one wording per failure, the warning without emoji.
#include "NamedChild.h"
#include "ProfileForm.h"

#include <QApplication>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestProfileForm : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void mnemonicsHaveBuddies();
    void fieldsStayWhereTheyAreWhenMessagesAppear();
    void missingCaFileHasOneWording();
    void insecureWarningUsesTheStyleIcon();

private:
    template <typename T> T* child(const char* name) const
    {
        return namedChild<T>(m_form.get(), name);
    }
    // Where every input of the form is, in form coordinates.
    QList<QRect> fieldGeometries() const;

    std::unique_ptr<ProfileForm> m_form;
};

void TestProfileForm::init()
{
    m_form = std::make_unique<ProfileForm>();
    m_form->resize(600, m_form->sizeHint().height());
    m_form->show();
    m_form->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_form.get())); // mnemonics need an active window
}

void TestProfileForm::cleanup()
{
    m_form.reset();
}

void TestProfileForm::mnemonicsHaveBuddies()
{
    // A label with '&' but no buddy shows the '&' itself, and Alt+letter goes nowhere.
    const QList<QLabel*> labels = m_form->findChildren<QLabel*>();
    int mnemonics = 0;
    for (const QLabel* label : labels) {
        if (!label->text().contains(QLatin1Char('&')))
            continue;
        ++mnemonics;
        QVERIFY2(label->buddy(), qPrintable(label->text()));
    }
    QVERIFY(mnemonics >= 8);

    const auto buddyOf = [&](const QString& text) -> QWidget* {
        for (const QLabel* label : labels) {
            if (label->text() == text)
                return label->buddy();
        }
        return nullptr;
    };
    QCOMPARE(buddyOf(QStringLiteral("API &key:")), child<QLineEdit>("apiKey"));
    QCOMPARE(buddyOf(QStringLiteral("CA &file:")), child<QLineEdit>("caFile"));

    // Alt+K types into the key field, as the label promises.
    child<QLineEdit>("profileName")->setFocus();
    QTest::keyClick(m_form.get(), Qt::Key_K, Qt::AltModifier);
    QTRY_VERIFY(child<QLineEdit>("apiKey")->hasFocus());
    QTest::keyClick(m_form.get(), Qt::Key_F, Qt::AltModifier);
    QTRY_VERIFY(child<QLineEdit>("caFile")->hasFocus());
}

QList<QRect> TestProfileForm::fieldGeometries() const
{
    QList<QRect> rects;
    const QList<QWidget*> widgets = m_form->findChildren<QWidget*>();
    for (QWidget* widget : widgets) {
        // The inputs, and the labels in front of them; not the messages themselves.
        if (!widget->focusPolicy() && !qobject_cast<QLabel*>(widget))
            continue;
        if (qobject_cast<QLabel*>(widget) && !static_cast<QLabel*>(widget)->buddy())
            continue;
        if (!widget->isVisible())
            continue;
        rects << QRect(widget->mapTo(m_form.get(), QPoint(0, 0)), widget->size());
    }
    return rects;
}

void TestProfileForm::fieldsStayWhereTheyAreWhenMessagesAppear()
{
    auto* url = child<QLineEdit>("baseUrl");
    QApplication::processEvents();
    const QList<QRect> before = fieldGeometries();
    QVERIFY(before.size() >= 12);

    // The preview and the plain-http warning (two lines) appear.
    url->setText(QStringLiteral("http://models.example.com/v1"));
    QApplication::processEvents();
    QVERIFY(child<QLabel>("insecureWarning")->isVisible());
    QVERIFY(!child<QLabel>("urlPreview")->text().isEmpty());
    QCOMPARE(fieldGeometries(), before);

    // The warning goes, an error comes.
    url->setText(QStringLiteral("example dot com"));
    QApplication::processEvents();
    QVERIFY(child<QLabel>("urlError")->isVisible());
    QVERIFY(!child<QLabel>("insecureWarning")->isVisible());
    QCOMPARE(fieldGeometries(), before);

    // Errors under the other fields too.
    child<QLineEdit>("profileName")->setText(QStringLiteral("Demo"));
    child<QPlainTextEdit>("extraHeaders")->setPlainText(QStringLiteral("broken"));
    child<QLineEdit>("caFile")->setText(QStringLiteral("/nonexistent/ca.pem"));
    QApplication::processEvents();
    for (const char* error : {"nameError", "headersError", "caFileError"})
        QVERIFY2(child<QLabel>(error)->isVisible(), error);
    QCOMPARE(fieldGeometries(), before);

    url->clear();
    QApplication::processEvents();
    QCOMPARE(fieldGeometries(), before);
}

void TestProfileForm::missingCaFileHasOneWording()
{
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("ca.pem"));
    child<QLineEdit>("profileName")->setText(QStringLiteral("Gateway"));
    child<QLineEdit>("baseUrl")->setText(QStringLiteral("https://gateway.example.com/v1"));
    child<QLineEdit>("caFile")->setText(missing);
    const QString shown = child<QLabel>("caFileError")->text();
    QVERIFY2(shown.contains(missing), qPrintable(shown));
    QString refused;
    QVERIFY(!m_form->profile(&refused));
    QCOMPARE(refused, shown); // what the field says is what Save says
}

void TestProfileForm::insecureWarningUsesTheStyleIcon()
{
    child<QLineEdit>("baseUrl")->setText(QStringLiteral("http://models.example.com/v1"));
    const QString text = child<QLabel>("insecureWarning")->text();
    QVERIFY(text.contains(QStringLiteral("unencrypted")));
    for (const QChar c : text)
        QVERIFY2(c.unicode() < 0x2000, qPrintable(text)); // no emoji or symbol characters
    auto* icon = child<QLabel>("insecureWarningIcon");
    QVERIFY(icon->isVisible());
    QVERIFY(!icon->pixmap().isNull());
}

QTEST_MAIN(TestProfileForm)
#include "tst_profileform.moc"
