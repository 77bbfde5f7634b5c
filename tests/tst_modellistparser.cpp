#include <QTest>

class Tst_modellistparser : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_modellistparser)
#include "tst_modellistparser.moc"
