#include <QTest>

class Tst_responseaccumulator : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_responseaccumulator)
#include "tst_responseaccumulator.moc"
