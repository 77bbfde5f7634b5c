#include <QTest>

class Tst_ssedecoder : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_ssedecoder)
#include "tst_ssedecoder.moc"
