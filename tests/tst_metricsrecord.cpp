#include <QTest>

class Tst_metricsrecord : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_metricsrecord)
#include "tst_metricsrecord.moc"
