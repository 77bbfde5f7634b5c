// QuantileSketch's stored form: round trips, hostile and corrupted input, and mergeBytes, which
// must do exactly what fromBytes followed by merge does.
#include "SketchTestData.h"

using namespace adminchat;
using namespace sketchtest;

class TestSketchFormat : public QObject
{
    Q_OBJECT
private slots:
    void roundTrip_data()
    {
        QTest::addColumn<Dist>("dist");
        QTest::addColumn<double>("accuracy");
        QTest::addColumn<int>("size");
        QTest::newRow("with-zeros") << Dist::WithZeros << 0.01 << 100'000;
        QTest::newRow("pareto a=5%") << Dist::Pareto << 0.05 << 10'000;
        QTest::newRow("bimodal a=0.1%") << Dist::Bimodal << 0.001 << 10'000;
        QTest::newRow("single") << Dist::Constant << 0.01 << 1;
        QTest::newRow("empty") << Dist::Constant << 0.01 << 0;
    }

    void roundTrip()
    {
        QFETCH(Dist, dist);
        QFETCH(double, accuracy);
        QFETCH(int, size);
        const QuantileSketch sketch = sketchOf(generate(dist, std::size_t(size), 16), accuracy);
        const QByteArray bytes = sketch.toBytes();
        const std::optional<QuantileSketch> back = QuantileSketch::fromBytes(bytes);
        QVERIFY(back.has_value());
        QCOMPARE(back->relativeAccuracy(), accuracy);
        QCOMPARE(back->count(), sketch.count());
        QCOMPARE(back->bucketCount(), sketch.bucketCount());
        QCOMPARE(back->toBytes(), bytes);
        if (size == 0) {
            QVERIFY(back->isEmpty());
            QVERIFY(std::isnan(back->min()));
            QVERIFY(!back->quantile(0.5));
            return;
        }
        // Bit-identical, not merely fuzzy-equal.
        QVERIFY(back->sum() == sketch.sum());
        QVERIFY(back->min() == sketch.min());
        QVERIFY(back->max() == sketch.max());
        for (int i = 0; i <= 1000; ++i)
            QVERIFY(back->quantile(i / 1000.0) == sketch.quantile(i / 1000.0));
        // Compact: a few bytes per bucket.
        QVERIFY2(std::size_t(bytes.size()) <= 48 + 3 * sketch.bucketCount(),
                 qPrintable(QString::number(bytes.size())));
        // Still mergeable with live sketches (same accuracy).
        QuantileSketch merged = *back;
        QVERIFY(merged.merge(sketch));
        QCOMPARE(merged.count(), 2 * sketch.count());
    }

    void roundTripExtremes()
    {
        // Highest and lowest representable buckets must pass fromBytes' index range check.
        QuantileSketch sketch;
        sketch.add(std::numeric_limits<double>::max());
        sketch.add(std::numeric_limits<double>::denorm_min()); // zero bucket
        sketch.add(std::nextafter(QuantileSketch::minTrackedValue, 1.0));
        QVERIFY(sketch.bucketCount() <= bucketCap);
        QCOMPARE(*sketch.quantile(1), std::numeric_limits<double>::max());
        const auto back = QuantileSketch::fromBytes(sketch.toBytes());
        QVERIFY(back.has_value());
        QCOMPARE(back->toBytes(), sketch.toBytes());
        QCOMPARE(*back->quantile(1), std::numeric_limits<double>::max());

        QuantileSketch tiny(1e-6); // the smallest accepted accuracy: widest index range
        tiny.add(std::numeric_limits<double>::max());
        tiny.add(2e-9);
        QVERIFY(tiny.bucketCount() <= bucketCap);
        const auto tinyBack = QuantileSketch::fromBytes(tiny.toBytes());
        QVERIFY(tinyBack.has_value());
        QCOMPARE(tinyBack->toBytes(), tiny.toBytes());
    }

    void truncatedRejected()
    {
        const QByteArray bytes = sketchOf(generate(Dist::WithZeros, 10'000, 17)).toBytes();
        for (qsizetype n = 0; n < bytes.size(); ++n)
            QVERIFY2(!QuantileSketch::fromBytes(bytes.left(n)), qPrintable(QString::number(n)));
        QVERIFY(!QuantileSketch::fromBytes(bytes + '\0'));
        QVERIFY(!QuantileSketch::fromBytes(bytes + '\x01'));

        const QByteArray empty = QuantileSketch().toBytes();
        for (qsizetype n = 0; n < empty.size(); ++n)
            QVERIFY(!QuantileSketch::fromBytes(empty.left(n)));
    }

    void garbageRejected()
    {
        QuantileSketch source;
        for (double v : generate(Dist::WithZeros, 10'000, 18))
            source.add(v);
        const QByteArray valid = source.toBytes();

        QByteArray badMagic = valid;
        badMagic[0] = char(badMagic[0] ^ 0x01);
        QVERIFY(!QuantileSketch::fromBytes(badMagic));
        QByteArray badVersion = valid;
        badVersion[1] = char(badVersion[1] + 1);
        QVERIFY(!QuantileSketch::fromBytes(badVersion));
        QVERIFY(!QuantileSketch::fromBytes(QByteArray("not a sketch at all")));
        QVERIFY(!QuantileSketch::fromBytes(QByteArray(1000, '\xff')));
        QVERIFY(!QuantileSketch::fromBytes(QByteArray(1000, '\0')));

        // Flip random bits: either rejected or a self-consistent sketch, never a crash.
        Rng rng(19);
        int accepted = 0;
        for (int round = 0; round < 20'000; ++round) {
            QByteArray bytes = valid;
            const int flips = 1 + int(rng.below(4));
            for (int f = 0; f < flips; ++f) {
                const auto at = qsizetype(rng.below(quint64(bytes.size())));
                bytes[at] = char(bytes[at] ^ char(1 + rng.below(255)));
            }
            if (const auto parsed = QuantileSketch::fromBytes(bytes)) {
                ++accepted;
                exerciseParsed(*parsed);
            }
        }
        // Random strings behind a valid magic/version header.
        for (int round = 0; round < 20'000; ++round) {
            QByteArray bytes = valid.left(2);
            const auto length = rng.below(80);
            for (quint64 i = 0; i < length; ++i)
                bytes.append(char(rng.below(256)));
            if (const auto parsed = QuantileSketch::fromBytes(bytes))
                exerciseParsed(*parsed);
        }
        qDebug("%d of 20000 corrupted blobs still parsed (e.g. a flipped count bit)", accepted);
    }

    void hostileFieldsRejected()
    {
        // A zeros-only sketch serialises with its bucket-count varint (0) as the last byte (over
        // exactLimit samples, so in version 1, without them).
        QuantileSketch zeros;
        zeros.add(0, QuantileSketch::exactLimit + 1);
        const QByteArray valid = zeros.toBytes();
        QVERIFY(QuantileSketch::fromBytes(valid).has_value());
        QCOMPARE(valid.back(), '\0');
        const QByteArray head = valid.chopped(1);

        // 2^63 buckets announced: rejected before any allocation (ASan would flag a huge one).
        QVERIFY(rejectedByBoth(head + QByteArray(9, '\x80') + '\x01'));
        // More buckets than the cap, backed by enough bytes.
        const QByteArray tooMany = head + QByteArray("\x81\x20", 2) + QByteArray(4097, '\x01');
        QVERIFY(rejectedByBoth(tooMany));
        // An 11-byte varint.
        QVERIFY(rejectedByBoth(head + QByteArray(10, '\x80') + '\x01'));
        // Non-canonical varint for 0.
        QVERIFY(rejectedByBoth(head + QByteArray("\x80\x00", 2)));

        // One value: magic, version, accuracy, count (1 byte), sum/min/max, zero count (1 byte),
        // then offset, bucket count 1, bucket 1. Offsets far outside the index range of finite
        // doubles (including ones that would overflow offset + size) are rejected. Written as
        // version 1 (no samples), which older files hold.
        QuantileSketch one;
        one.add(5);
        QByteArray prefix = one.toBytes().left(2 + 8 + 1 + 24 + 1);
        prefix[1] = 1;
        const QByteArray tail("\x01\x01", 2);
        QVERIFY(QuantileSketch::fromBytes(prefix + '\x54' + tail).has_value()); // index 42
        QVERIFY(QuantileSketch().mergeBytes(prefix + '\x54' + tail));
        const QByteArray maxOffset = QByteArray("\xfe") + QByteArray(8, '\xff') + '\x01';
        const QByteArray minOffset = QByteArray(9, '\xff') + '\x01';
        QVERIFY(rejectedByBoth(prefix + maxOffset + tail)); // INT64_MAX
        QVERIFY(rejectedByBoth(prefix + minOffset + tail)); // INT64_MIN
        QVERIFY(rejectedByBoth(prefix + QByteArray("\x80\x80\x80\x08") + tail));

        // Bucket counts that do not add up to the total of 1 (after the bucket count): two
        // buckets of 1, one of 2, one of 2^64 - 1 (would wrap a sum), one of 0; and a zero
        // bucket at either end of the range.
        const QByteArray badCounts[] = {QByteArray("\x02\x01\x01", 3),
                                        QByteArray("\x01\x02", 2),
                                        QByteArray("\x01") + QByteArray(9, '\xff') + '\x01',
                                        QByteArray("\x01\x00", 2),
                                        QByteArray("\x02\x00\x01", 3),
                                        QByteArray("\x02\x01\x00", 3)};
        for (const QByteArray& counts : badCounts)
            QVERIFY2(rejectedByBoth(prefix + '\x54' + counts), counts.toHex().constData());
    }

    void mergeBytesEqualsFromBytesAndMerge()
    {
        // Random targets and blobs, several blobs per target so the store grows at either end,
        // collapses at the cap (blobs far above, and far below: wholly collapsed), and meets
        // empty and zeros-only blobs. The state must be identical, bucket layout included.
        Rng rng(31);
        const double accuracies[] = {0.01, 0.01, 0.05, 0.001, 1e-6};
        int merged = 0;
        int collapsed = 0;
        int grewDown = 0;
        int grewUp = 0;
        for (int round = 0; round < 3000; ++round) {
            const double accuracy = accuracies[rng.below(5)];
            QuantileSketch viaBytes = randomSketch(rng, accuracy);
            QuantileSketch expected = viaBytes;
            for (int i = 0; i < 4; ++i) {
                const QByteArray bytes = randomSketch(rng, accuracy).toBytes();
                const double lo = viaBytes.min();
                const double hi = viaBytes.max();
                QVERIFY(referenceMerge(expected, bytes));
                QVERIFY(viaBytes.mergeBytes(bytes));
                grewDown += viaBytes.min() < lo; // false while NaN (empty)
                grewUp += viaBytes.max() > hi;
                if (!(viaBytes == expected)) {
                    QCOMPARE(viaBytes.toBytes(), expected.toBytes());
                    QFAIL(qPrintable(QStringLiteral("round %1, blob %2").arg(round).arg(i)));
                }
                ++merged;
            }
            collapsed += viaBytes.bucketCount() == bucketCap;
        }
        qDebug("%d blobs merged: %d lowered the min, %d raised the max; %d targets at the cap",
               merged, grewDown, grewUp, collapsed);
        // Every path was exercised.
        QVERIFY(grewDown > 1000 && grewUp > 1000 && collapsed > 100);

        // The extremes of the index range, into empty and non-empty targets.
        for (const double accuracy : {0.01, 1e-6}) {
            QuantileSketch extremes(accuracy);
            extremes.add(std::numeric_limits<double>::max());
            extremes.add(std::nextafter(QuantileSketch::minTrackedValue, 1.0));
            for (QuantileSketch target : {QuantileSketch(accuracy), extremes}) {
                QuantileSketch expected = target;
                QVERIFY(referenceMerge(expected, extremes.toBytes()));
                QVERIFY(target.mergeBytes(extremes.toBytes()));
                QVERIFY(target == expected);
            }
        }

        // A blob wholly below the kept range of a collapsed target: all into its lowest bucket.
        QuantileSketch high;
        high.add(1e300);
        high.add(1e250); // 50 decades: already at the cap
        QuantileSketch low;
        low.add(1e-6);
        low.add(3e-6, 7);
        QuantileSketch expected = high;
        QVERIFY(referenceMerge(expected, low.toBytes()));
        QVERIFY(high.mergeBytes(low.toBytes()));
        QVERIFY(high == expected);
        QCOMPARE(high.bucketCount(), bucketCap);

        // The aggregator's pattern: many small blobs into one total.
        const std::vector<double> values = generate(Dist::WithZeros, 10'000, 32);
        QuantileSketch total;
        for (std::size_t i = 0; i < values.size(); i += 50) {
            const std::vector<double> part(values.begin() + std::ptrdiff_t(i),
                                           values.begin() + std::ptrdiff_t(i + 50));
            QVERIFY(total.mergeBytes(sketchOf(part).toBytes()));
        }
        compareSketches(total, sketchOf(values));
    }

    void mergeBytesPrefixesRejected()
    {
        QuantileSketch zeros;
        zeros.add(0, 5);
        QuantileSketch wide;
        wide.add(1e-6);
        wide.add(1e300);
        const QByteArray blobs[] = {sketchOf(generate(Dist::WithZeros, 10'000, 33)).toBytes(),
                                    QuantileSketch().toBytes(), zeros.toBytes(), wide.toBytes()};
        for (QuantileSketch target :
             {QuantileSketch(), sketchOf(generate(Dist::Pareto, 500, 34))}) {
            const QuantileSketch before = target;
            for (const QByteArray& bytes : blobs) {
                for (qsizetype n = 0; n < bytes.size(); ++n) {
                    QVERIFY2(!target.mergeBytes(bytes.left(n)), qPrintable(QString::number(n)));
                    QVERIFY(target == before);
                }
                QVERIFY(!target.mergeBytes(bytes + '\0')); // trailing bytes
                QVERIFY(!target.mergeBytes(bytes + '\x01'));
                QVERIFY(target == before);
            }
            QVERIFY(!target.mergeBytes(QByteArray())); // as fromBytes: an empty array is no blob
            QVERIFY(!target.mergeBytes(QByteArrayView()));
            QVERIFY(target == before);
        }
    }

    void mergeBytesCorruptedLikeFromBytes()
    {
        // Flipped bits and random tails: mergeBytes accepts exactly when fromBytes + merge
        // does, with the same result, and otherwise leaves the target as it was.
        QuantileSketch zeros;
        zeros.add(0, 3);
        const QByteArray blobs[] = {sketchOf(generate(Dist::WithZeros, 2000, 35)).toBytes(),
                                    sketchOf(generate(Dist::Constant, 3, 36)).toBytes(),
                                    zeros.toBytes(), QuantileSketch().toBytes()};
        const QuantileSketch targets[] = {QuantileSketch(),
                                          sketchOf(generate(Dist::LogNormal, 300, 37))};
        Rng rng(38);
        int accepted = 0;
        int rounds = 0;
        const auto check = [&](const QByteArray& bytes) {
            for (const QuantileSketch& target : targets) {
                QuantileSketch expected = target;
                QuantileSketch actual = target;
                const bool ok = referenceMerge(expected, bytes);
                if (actual.mergeBytes(bytes) != ok)
                    return false;
                if (!(actual == (ok ? expected : target)))
                    return false;
                accepted += ok;
                ++rounds;
            }
            return true;
        };
        for (int round = 0; round < 40'000; ++round) {
            QByteArray bytes = blobs[rng.below(4)];
            const int flips = 1 + int(rng.below(4));
            for (int f = 0; f < flips; ++f) {
                const auto at = qsizetype(rng.below(quint64(bytes.size())));
                bytes[at] = char(bytes[at] ^ char(1 << rng.below(8)));
            }
            QVERIFY2(check(bytes), bytes.toHex().constData());
        }
        // Random bodies behind a valid header (magic, version, default accuracy).
        const QByteArray header = QuantileSketch().toBytes().left(10);
        for (int round = 0; round < 40'000; ++round) {
            QByteArray bytes = header;
            const auto length = rng.below(60);
            for (quint64 i = 0; i < length; ++i)
                bytes.append(char(rng.below(4) ? rng.below(4) : rng.below(256)));
            QVERIFY2(check(bytes), bytes.toHex().constData());
        }
        qDebug("%d of %d corrupted merges accepted by both", accepted, rounds);
    }

    void mergeBytesIndexRangeLikeFromBytes()
    {
        // Offsets around both ends of the index range of finite values: the precomputed bounds
        // must give fromBytes' answer exactly. Each window holds accepted and rejected offsets.
        for (const double accuracy : {0.01, 0.05, 1e-6, 0.5}) {
            const double logGamma = std::log((1 + accuracy) / (1 - accuracy));
            const auto lowest = qint64(std::ceil(std::log(1e-9) / logGamma));
            const auto highest =
                qint64(std::ceil(std::log(std::numeric_limits<double>::max()) / logGamma));
            for (const qint64 centre : {lowest, highest}) {
                int accepts = 0;
                for (qint64 offset = centre - 4; offset <= centre + 4; ++offset) {
                    const QByteArray bytes = oneBucketAt(accuracy, offset);
                    QuantileSketch target(accuracy);
                    target.add(3);
                    QuantileSketch expected = target;
                    const bool ok = referenceMerge(expected, bytes);
                    const QuantileSketch before = target;
                    QCOMPARE(target.mergeBytes(bytes), ok);
                    QVERIFY(target == (ok ? expected : before));
                    accepts += ok;
                }
                QVERIFY2(accepts > 0 && accepts < 9, qPrintable(QString::number(accuracy)));
            }
        }
    }

    void mergeBytesAccuracyMismatchRejected()
    {
        const std::vector<double> values = generate(Dist::LogNormal, 1000, 39);
        QuantileSketch target = sketchOf(values);
        const QuantileSketch before = target;
        QVERIFY(!target.mergeBytes(sketchOf(values, 0.05).toBytes()));
        QVERIFY(!target.mergeBytes(QuantileSketch(0.05).toBytes())); // even an empty one
        // One ulp away is another accuracy too (the blob is otherwise valid).
        const double nearby = std::nextafter(QuantileSketch::defaultRelativeAccuracy, 1.0);
        const QByteArray nearBlob = sketchOf(values, nearby).toBytes();
        QVERIFY(QuantileSketch::fromBytes(nearBlob).has_value());
        QVERIFY(!target.mergeBytes(nearBlob));
        QVERIFY(target == before);

        QuantileSketch fine(0.001);
        QVERIFY(fine.mergeBytes(sketchOf(values, 0.001).toBytes()));
        QVERIFY(!fine.mergeBytes(sketchOf(values).toBytes()));
        QCOMPARE(fine.count(), quint64(values.size()));
    }

private:
    // fromBytes rejects bytes, and so does mergeBytes, leaving a non-empty sketch as it was.
    static bool rejectedByBoth(const QByteArray& bytes)
    {
        QuantileSketch target;
        target.add(0);
        target.add(300);
        const QuantileSketch before = target;
        return !QuantileSketch::fromBytes(bytes) && !target.mergeBytes(bytes) && target == before;
    }

    static void exerciseParsed(const QuantileSketch& sketch)
    {
        // Whatever fromBytes accepts must answer sanely and serialise again.
        if (sketch.isEmpty()) {
            QVERIFY(!sketch.quantile(0.5));
            return;
        }
        QVERIFY(sketch.bucketCount() <= bucketCap);
        for (double q : checkedQuantiles) {
            const double v = sketch.quantile(q).value();
            QVERIFY(v >= sketch.min() && v <= sketch.max());
        }
        const auto again = QuantileSketch::fromBytes(sketch.toBytes());
        QVERIFY(again.has_value());
        QCOMPARE(again->count(), sketch.count());
    }
};

QTEST_GUILESS_MAIN(TestSketchFormat)
#include "tst_sketchformat.moc"
