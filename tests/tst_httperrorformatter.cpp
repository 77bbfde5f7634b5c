#include <QTest>

class Tst_httperrorformatter : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_httperrorformatter)
#include "tst_httperrorformatter.moc"
