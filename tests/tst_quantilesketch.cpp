#include <QTest>

class Tst_quantilesketch : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_quantilesketch)
#include "tst_quantilesketch.moc"
