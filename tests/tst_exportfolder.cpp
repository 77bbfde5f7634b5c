// Where export dialogs start, offscreen with a throwaway home and settings file: the Documents
// folder at first, then the folder of the last export whichever export action made it, across a
// restart; Documents again once that folder is gone.
#include "ExportFolder.h"

#include <QDir>
#include <QFileDialog>
#include <QPointer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace adminchat;

class TestExportFolder : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void lastExportFolderIsShared();

private:
    // Picks `path` in a save dialog as a user would, which accepts it.
    static void chooseIn(QFileDialog* dialog, const QString& path);

    QTemporaryDir m_home;
    QString m_documents;
};

void TestExportFolder::initTestCase()
{
    QVERIFY(m_home.isValid());
    // Documents resolves to $HOME/Documents when the user's dirs file does not say otherwise.
    qputenv("HOME", m_home.path().toUtf8());
    qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
    m_documents = m_home.filePath(QStringLiteral("Documents"));
    QVERIFY(QDir().mkpath(m_documents));
    QCOMPARE(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation), m_documents);
}

void TestExportFolder::chooseIn(QFileDialog* dialog, const QString& path)
{
    dialog->setOption(QFileDialog::DontUseNativeDialog);
    dialog->open();
    dialog->selectFile(path);
    QMetaObject::invokeMethod(dialog, "accept", Qt::QueuedConnection);
    // The dialog deletes itself once closed.
    const QPointer<QFileDialog> watched(dialog);
    QTRY_VERIFY(!watched || !watched->isVisible());
}

void TestExportFolder::lastExportFolderIsShared()
{
    const QString settings = m_home.filePath(QStringLiteral("settings.ini"));
    const ExportFolder folder(settings);
    QCOMPARE(folder.startFolder(), m_documents);

    // A conversation exported into a project folder...
    const QString project = m_home.filePath(QStringLiteral("projects/gpu-tests"));
    QVERIFY(QDir().mkpath(project));
    QFileDialog* first = folder.saveDialog(nullptr, QStringLiteral("Export conversation"),
                                           QStringLiteral("conversation-1.md"),
                                           QStringLiteral("Markdown (*.md)"), QStringLiteral("md"));
    QCOMPARE(QDir(first->directory()).absolutePath(), m_documents);
    QString chosen;
    connect(first, &QFileDialog::fileSelected, this, [&](const QString& path) { chosen = path; });
    chooseIn(first, QDir(project).filePath(QStringLiteral("conversation-1.md")));
    QCOMPARE(QFileInfo(chosen).absolutePath(), project);

    // ...and the CSV export of a later run starts there.
    const ExportFolder later(settings);
    QCOMPARE(later.startFolder(), project);
    QFileDialog* second = later.saveDialog(
        nullptr, QStringLiteral("Export requests as CSV"), QStringLiteral("requests.csv"),
        QStringLiteral("CSV files (*.csv)"), QStringLiteral("csv"));
    QCOMPARE(QDir(second->directory()).absolutePath(), project);
    QCOMPARE(second->selectedFiles().value(0),
             QDir(project).filePath(QStringLiteral("requests.csv")));
    delete second;

    // The folder went away: Documents again.
    QVERIFY(QDir(project).removeRecursively());
    QCOMPARE(later.startFolder(), m_documents);
}

QTEST_MAIN(TestExportFolder)
#include "tst_exportfolder.moc"
