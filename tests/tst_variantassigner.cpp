// Hash-based variant assignment: pinned hashes, stability, split accuracy and independence.
#include "experiments/VariantAssigner.h"

#include <QTest>
#include <array>

using namespace adminchat;

namespace {

ExperimentDefinition experiment(const QString& name, const QList<double>& weights)
{
    ExperimentDefinition d;
    d.name = name;
    for (qsizetype i = 0; i < weights.size(); ++i) {
        ExperimentVariant variant;
        variant.name = QString(QChar(char16_t(u'A' + i)));
        variant.weight = weights.at(i);
        d.variants.append(variant);
    }
    return d;
}

constexpr int unitCount = 100'000;

} // namespace

class TestVariantAssigner : public QObject
{
    Q_OBJECT
private slots:
    void pinnedHashes_data()
    {
        // Expected values are the first 16 hex digits of, e.g.,
        //   printf 'exp\0unit-1' | sha256sum
        //   df647115e392a02ac506e062eafad7079557bc245973faf85dd0fbad39c3dfbc
        // so they hold on any machine and for any implementation of the documented rule.
        QTest::addColumn<QString>("experimentName");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<quint64>("hash");
        QTest::newRow("exp/unit-1")
            << QStringLiteral("exp") << QStringLiteral("unit-1") << Q_UINT64_C(0xdf647115e392a02a);
        QTest::newRow("exp/unit-2")
            << QStringLiteral("exp") << QStringLiteral("unit-2") << Q_UINT64_C(0x2387d5c2fd16dd23);
        QTest::newRow("checkout-button/conv-42")
            << QStringLiteral("checkout-button") << QStringLiteral("conv-42")
            << Q_UINT64_C(0xf373be20622488e8);
        QTest::newRow("empty unit")
            << QStringLiteral("exp") << QString() << Q_UINT64_C(0x2d3a30b5b3c2c018);
        // UTF-8, not Latin-1 or UTF-16: printf 'Pr\xc3\xbcfung\0\xc3\xbc' | sha256sum
        QTest::newRow("non-ASCII") << QStringLiteral("Pr\u00fcfung") << QStringLiteral("\u00fc")
                                   << Q_UINT64_C(0x60565a8f40f5e518);
    }

    void pinnedHashes()
    {
        QFETCH(QString, experimentName);
        QFETCH(QString, unit);
        QFETCH(quint64, hash);
        QCOMPARE(VariantAssigner::unitHash(experimentName, unit), hash);
        // u keeps the top 53 bits: exact, no rounding.
        QCOMPARE(VariantAssigner::unitPoint(experimentName, unit), double(hash >> 11) / 0x1.0p53);
    }

    void pinnedPointsAndAssignments()
    {
        // (0xdf647115e392a02a >> 11) / 2^53 and (0x2387d5c2fd16dd23 >> 11) / 2^53.
        QCOMPARE(VariantAssigner::unitPoint(QStringLiteral("exp"), QStringLiteral("unit-1")),
                 0.8726263693275293);
        QCOMPARE(VariantAssigner::unitPoint(QStringLiteral("exp"), QStringLiteral("unit-2")),
                 0.13879142771210284);

        const VariantAssigner even(experiment(QStringLiteral("exp"), {50, 50}));
        QCOMPARE(even.assign(QStringLiteral("unit-1")), 1); // x = 87.3 > 50
        QCOMPARE(even.assign(QStringLiteral("unit-2")), 0); // x = 13.9 < 50
        QCOMPARE(even.variantFor(QStringLiteral("unit-1")).name, QStringLiteral("B"));

        // 10/90: x = 13.9 is past the first variant's cumulative weight of 10.
        const VariantAssigner skewed(experiment(QStringLiteral("exp"), {10, 90}));
        QCOMPARE(skewed.assign(QStringLiteral("unit-2")), 1);
        // 20/30/50: x = 87.3 falls in the third variant (cumulative 20, 50, 100).
        const VariantAssigner three(experiment(QStringLiteral("exp"), {20, 30, 50}));
        QCOMPARE(three.assign(QStringLiteral("unit-1")), 2);
        QCOMPARE(three.assign(QStringLiteral("unit-2")), 0);
    }

    void sameUnitSameVariant()
    {
        const ExperimentDefinition d = experiment(QStringLiteral("stable"), {1, 1, 1});
        const VariantAssigner first(d);
        const VariantAssigner second(d);
        for (int i = 0; i < 1000; ++i) {
            const QString unit = QStringLiteral("conv-%1").arg(i);
            const int index = first.assign(unit);
            QVERIFY(index >= 0 && index < 3);
            QCOMPARE(first.assign(unit), index);
            QCOMPARE(second.assign(unit), index);
            QCOMPARE(first.variantFor(unit).name, d.variants.at(index).name);
        }
    }

    void splitAccuracy_data()
    {
        QTest::addColumn<QList<double>>("weights");
        QTest::newRow("50/50") << QList<double>{50, 50};
        QTest::newRow("90/10") << QList<double>{90, 10};
        QTest::newRow("20/30/50") << QList<double>{20, 30, 50};
        QTest::newRow("1/1/1") << QList<double>{1, 1, 1};
    }

    void splitAccuracy()
    {
        QFETCH(QList<double>, weights);
        const VariantAssigner assigner(experiment(QStringLiteral("split"), weights));
        std::vector<int> counts(std::size_t(weights.size()), 0);
        for (int i = 0; i < unitCount; ++i)
            ++counts[std::size_t(assigner.assign(QString::number(i)))];

        double total = 0;
        for (double w : weights)
            total += w;
        for (qsizetype i = 0; i < weights.size(); ++i) {
            const double share = double(counts[std::size_t(i)]) / unitCount;
            const double expected = weights.at(i) / total;
            QVERIFY2(std::abs(share - expected) < 0.01,
                     qPrintable(QStringLiteral("variant %1: %2 of units, expected %3")
                                    .arg(i)
                                    .arg(share)
                                    .arg(expected)));
        }
    }

    void zeroWeightNeverChosen()
    {
        // A paused variant in the middle and at the start.
        const VariantAssigner middle(experiment(QStringLiteral("paused"), {1, 0, 1}));
        const VariantAssigner start(experiment(QStringLiteral("paused"), {0, 1, 1}));
        std::array<int, 3> middleCounts{}, startCounts{};
        for (int i = 0; i < 20'000; ++i) {
            ++middleCounts[std::size_t(middle.assign(QString::number(i)))];
            ++startCounts[std::size_t(start.assign(QString::number(i)))];
        }
        QCOMPARE(middleCounts[1], 0);
        QCOMPARE(startCounts[0], 0);
        QVERIFY(middleCounts[0] > 9000 && middleCounts[2] > 9000);
        QVERIFY(startCounts[1] > 9000 && startCounts[2] > 9000);
    }

    void noPositiveWeightAssignsNothing()
    {
        const VariantAssigner none(experiment(QStringLiteral("off"), {0, 0}));
        QCOMPARE(none.assign(QStringLiteral("u")), -1);
        QVERIFY(none.variantFor(QStringLiteral("u")).name.isEmpty());
        QCOMPARE(VariantAssigner(ExperimentDefinition{}).assign(QStringLiteral("u")), -1);
    }

    void experimentsAreIndependent()
    {
        // The same units in two 50/50 experiments: each of the four combinations gets ~25 %.
        const VariantAssigner one(experiment(QStringLiteral("exp-one"), {50, 50}));
        const VariantAssigner two(experiment(QStringLiteral("exp-two"), {50, 50}));
        std::array<int, 4> cells{};
        for (int i = 0; i < unitCount; ++i) {
            const QString unit = QString::number(i);
            ++cells[std::size_t(one.assign(unit) * 2 + two.assign(unit))];
        }
        for (int cell : cells)
            QVERIFY2(std::abs(double(cell) / unitCount - 0.25) < 0.01,
                     qPrintable(QString::number(cell)));
    }
};

QTEST_GUILESS_MAIN(TestVariantAssigner)
#include "tst_variantassigner.moc"
