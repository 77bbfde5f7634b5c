#include <QTest>

class Tst_suggestionengine : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_suggestionengine)
#include "tst_suggestionengine.moc"
