#include <QTest>

class Tst_chunkdecoder : public QObject
{
    Q_OBJECT
private slots:
    void placeholder() { QSKIP("not written yet"); }
};

QTEST_GUILESS_MAIN(Tst_chunkdecoder)
#include "tst_chunkdecoder.moc"
