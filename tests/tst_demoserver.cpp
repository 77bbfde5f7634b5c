#include <QTest>

class Tst_demoserver : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_demoserver)
#include "tst_demoserver.moc"
