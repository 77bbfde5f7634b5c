#include <QTest>

class Tst_metricsaggregator : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_metricsaggregator)
#include "tst_metricsaggregator.moc"
