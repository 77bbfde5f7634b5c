#include <QTest>

class Tst_chatrequest : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_chatrequest)
#include "tst_chatrequest.moc"
