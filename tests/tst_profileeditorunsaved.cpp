// Unsaved edits in the endpoint profile editor, offscreen with a temporary settings file: moving
// to another profile, Add and Close ask Save / Discard / Cancel, and each answer does what it
// says. The profiles carry no key, so no keychain is involved.
#include "NamedChild.h"
#include "ProfileEditorDialog.h"
#include "endpoints/KeyStore.h"
#include "endpoints/ProfileStore.h"

#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestProfileEditorUnsaved : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void untouchedFormDoesNotAsk();
    void anotherProfileCancelKeepsEdits();
    void anotherProfileDiscard();
    void anotherProfileSave();
    void addAsksToo();
    void closeAsks();
    void failedSaveStaysOnTheForm();

private:
    template <typename T> T* child(const char* name) const
    {
        return namedChild<T>(m_dialog.get(), name);
    }
    void clickProfile(const QString& name);
    // The Save / Discard / Cancel question, once it is up; answers it with `button`.
    bool answer(QMessageBox::StandardButton button);
    QString shownName() const { return child<QLineEdit>("profileName")->text(); }

    QTemporaryDir m_dir;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    std::unique_ptr<ProfileStore> m_store;
    std::unique_ptr<KeyStore> m_keys;
    std::unique_ptr<ProfileEditorDialog> m_dialog;
};

void TestProfileEditorUnsaved::init()
{
    QVERIFY(m_dir.isValid());
    const QString ini = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + ".ini");
    m_store = std::make_unique<ProfileStore>(ini);
    for (const char* name : {"Alpha", "Beta"}) {
        EndpointProfile profile;
        profile.name = QLatin1String(name);
        profile.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/v1"));
        QString error;
        QVERIFY2(m_store->save(profile, &error), qPrintable(error));
    }
    m_nam = std::make_unique<QNetworkAccessManager>();
    m_keys = std::make_unique<KeyStore>();
    m_dialog = std::make_unique<ProfileEditorDialog>(m_store.get(), m_keys.get(), m_nam.get());
    m_dialog->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_dialog.get()));
    QCOMPARE(shownName(), QStringLiteral("Alpha"));
}

void TestProfileEditorUnsaved::cleanup()
{
    m_dialog.reset();
    m_store.reset();
}

void TestProfileEditorUnsaved::clickProfile(const QString& name)
{
    auto* list = child<QListWidget>("profileList");
    const QList<QListWidgetItem*> items = list->findItems(name, Qt::MatchExactly);
    QVERIFY(!items.isEmpty());
    const QRect rect = list->visualItemRect(items.first());
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
}

bool TestProfileEditorUnsaved::answer(QMessageBox::StandardButton button)
{
    QMessageBox* box = nullptr;
    if (!QTest::qWaitFor(
            [&] {
                box = m_dialog->findChild<QMessageBox*>(QStringLiteral("unsavedChanges"));
                return box && box->isVisible();
            },
            5000))
        return false;
    box->button(button)->click();
    return true;
}

void TestProfileEditorUnsaved::untouchedFormDoesNotAsk()
{
    clickProfile(QStringLiteral("Beta"));
    QCOMPARE(shownName(), QStringLiteral("Beta"));
    QVERIFY(!m_dialog->findChild<QMessageBox*>(QStringLiteral("unsavedChanges")));
}

void TestProfileEditorUnsaved::anotherProfileCancelKeepsEdits()
{
    QTest::keyClicks(child<QLineEdit>("baseUrl"), QStringLiteral("/edited"));
    clickProfile(QStringLiteral("Beta"));
    QVERIFY(answer(QMessageBox::Cancel));
    QCOMPARE(shownName(), QStringLiteral("Alpha"));
    QCOMPARE(child<QLineEdit>("baseUrl")->text(), QStringLiteral("http://127.0.0.1:9/v1/edited"));
    // The list highlights the profile the form shows, not the one clicked.
    QCOMPARE(child<QListWidget>("profileList")->currentItem()->text(), QStringLiteral("Alpha"));
    QCOMPARE(m_store->profile(QStringLiteral("Alpha"))->baseUrl.toString(),
             QStringLiteral("http://127.0.0.1:9/v1"));
}

void TestProfileEditorUnsaved::anotherProfileDiscard()
{
    child<QSpinBox>("maxRetries")->setValue(5);
    clickProfile(QStringLiteral("Beta"));
    QVERIFY(answer(QMessageBox::Discard));
    QTRY_COMPARE(shownName(), QStringLiteral("Beta"));
    QCOMPARE(child<QListWidget>("profileList")->currentItem()->text(), QStringLiteral("Beta"));
    QVERIFY(m_store->profile(QStringLiteral("Alpha"))->maxRetries != 5);
    // Back on Alpha: the saved values, no question.
    clickProfile(QStringLiteral("Alpha"));
    QCOMPARE(shownName(), QStringLiteral("Alpha"));
    QVERIFY(child<QSpinBox>("maxRetries")->value() != 5);
}

void TestProfileEditorUnsaved::anotherProfileSave()
{
    child<QSpinBox>("maxRetries")->setValue(5);
    clickProfile(QStringLiteral("Beta"));
    QVERIFY(answer(QMessageBox::Save));
    QTRY_COMPARE(shownName(), QStringLiteral("Beta"));
    QCOMPARE(m_store->profile(QStringLiteral("Alpha"))->maxRetries, 5);
}

void TestProfileEditorUnsaved::addAsksToo()
{
    QTest::keyClicks(child<QLineEdit>("baseUrl"), QStringLiteral("/edited"));
    child<QPushButton>("addProfileButton")->click();
    QVERIFY(answer(QMessageBox::Cancel));
    QCOMPARE(shownName(), QStringLiteral("Alpha"));
    child<QPushButton>("addProfileButton")->click();
    QVERIFY(answer(QMessageBox::Discard));
    QTRY_COMPARE(shownName(), QStringLiteral("New profile"));
    QVERIFY(!child<QListWidget>("profileList")->currentItem());
}

void TestProfileEditorUnsaved::closeAsks()
{
    QTest::keyClicks(child<QLineEdit>("baseUrl"), QStringLiteral("/edited"));
    m_dialog->close();
    QVERIFY(answer(QMessageBox::Cancel));
    QVERIFY(m_dialog->isVisible());
    QCOMPARE(child<QLineEdit>("baseUrl")->text(), QStringLiteral("http://127.0.0.1:9/v1/edited"));

    QTest::keyClick(m_dialog.get(), Qt::Key_Escape); // the same question
    QVERIFY(answer(QMessageBox::Save));
    QTRY_VERIFY(!m_dialog->isVisible());
    QCOMPARE(m_store->profile(QStringLiteral("Alpha"))->baseUrl.toString(),
             QStringLiteral("http://127.0.0.1:9/v1/edited"));
}

void TestProfileEditorUnsaved::failedSaveStaysOnTheForm()
{
    // "Beta" is taken: the save fails, the move to Beta does not happen, the error shows.
    auto* name = child<QLineEdit>("profileName");
    name->selectAll();
    QTest::keyClicks(name, QStringLiteral("beta"));
    clickProfile(QStringLiteral("Beta"));
    QVERIFY(answer(QMessageBox::Save));
    QTRY_VERIFY(!child<QLabel>("formError")->text().isEmpty());
    QCOMPARE(shownName(), QStringLiteral("beta"));
    QVERIFY(m_store->contains(QStringLiteral("Alpha")));
}

QTEST_MAIN(TestProfileEditorUnsaved)
#include "tst_profileeditorunsaved.moc"
