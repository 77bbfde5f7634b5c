#include <QTest>

class Tst_metricsstore : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_metricsstore)
#include "tst_metricsstore.moc"
