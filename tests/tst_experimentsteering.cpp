// ExperimentSteering: which variant a conversation gets (the VariantAssigner rule) and how each
// request is shaped by it, for both units; the endpoints of named profiles are handed in.
#include "chat/ExperimentSteering.h"
#include "experiments/VariantAssigner.h"

#include <QTest>

using namespace adminchat;

namespace {

ExperimentDefinition definition(const QByteArray& unit)
{
    const QByteArray json = R"({"name": "prompt-test", "unit": ")" + unit + R"(", "variants": [
        {"name": "A", "weight": 50, "model": "demo-chat"},
        {"name": "B", "weight": 50, "profile": "Local", "params":
            {"temperature": 0.2, "max_tokens": 5, "system": "Answer in one word."}},
        {"name": "Off", "weight": 0, "model": "never"}]})";
    QString error;
    const auto parsed = ExperimentDefinition::fromJson(json, &error);
    if (!parsed)
        qFatal("%s", qPrintable(error));
    return *parsed;
}

} // namespace

class TestExperimentSteering : public QObject
{
    Q_OBJECT
private slots:
    void conversationsGetTheAssignersVariant()
    {
        const ExperimentSteering steering(definition("conversation"));
        const VariantAssigner assigner(steering.definition());
        QSet<QString> seen;
        for (int i = 0; i < 40; ++i) {
            const QString id = QStringLiteral("0190a1b2c3d4%1").arg(i, 4, 16, QLatin1Char('0'));
            const QString variant = steering.conversationVariant(id);
            QCOMPARE(variant, assigner.variantFor(id).name);
            QVERIFY(variant != QLatin1String("Off")); // weight 0 is never chosen
            seen.insert(variant);
        }
        QCOMPARE(seen, (QSet<QString>{"A", "B"}));
        QCOMPARE(steering.share(0), 0.5);
        QCOMPARE(steering.share(2), 0.0);
    }

    void requestsOfAConversationFollowItsVariant()
    {
        ExperimentSteering steering(definition("conversation"));
        QCOMPARE(steering.profiles(), QStringList{"Local"});
        QVERIFY(!steering.isReady());
        EndpointConfig local;
        local.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:9/v1"));
        steering.setEndpoint(QStringLiteral("Local"), local, QStringLiteral("local-default"));
        QVERIFY(steering.isReady());

        const auto a = steering.steer(QStringLiteral("prompt-test"), QStringLiteral("A"), "u1");
        QVERIFY(a);
        QCOMPARE(a->experiment, QStringLiteral("prompt-test"));
        QCOMPARE(a->variant, QStringLiteral("A"));
        QCOMPARE(a->model, QStringLiteral("demo-chat"));
        QVERIFY(!a->endpoint); // the conversation's own endpoint
        QVERIFY(!a->maxTokens && !a->temperature && a->system.isEmpty());

        const auto b = steering.steer(QStringLiteral("prompt-test"), QStringLiteral("B"), "u2");
        QVERIFY(b);
        QCOMPARE(b->profile, QStringLiteral("Local"));
        QCOMPARE(b->endpoint->baseUrl, local.baseUrl);
        QCOMPARE(b->model, QStringLiteral("local-default")); // the profile's default model
        QCOMPARE(b->maxTokens, std::optional<int>(5));
        QCOMPARE(b->temperature, std::optional<double>(0.2));
        QCOMPARE(b->system, QStringLiteral("Answer in one word."));

        // Conversations outside the experiment (or of another one) are left alone.
        QVERIFY(!steering.steer(QString(), QString(), "u3"));
        QVERIFY(!steering.steer(QStringLiteral("other"), QStringLiteral("A"), "u3"));
        QVERIFY(!steering.steer(QStringLiteral("prompt-test"), QStringLiteral("gone"), "u3"));
    }

    void requestUnitAssignsEachRequest()
    {
        ExperimentSteering steering(definition("request"));
        steering.setEndpoint(QStringLiteral("Local"), EndpointConfig{});
        QVERIFY(!steering.assignsConversations());
        QCOMPARE(steering.conversationVariant(QStringLiteral("c1")), QString());
        const VariantAssigner assigner(steering.definition());
        QSet<QString> seen;
        for (int i = 0; i < 40; ++i) {
            const QString uid = QStringLiteral("request-%1").arg(i);
            // Whatever the conversation, even one from before the experiment.
            const auto s = steering.steer(QString(), QString(), uid);
            QVERIFY(s);
            QCOMPARE(s->variant, assigner.variantFor(uid).name);
            seen.insert(s->variant);
        }
        QCOMPARE(seen.size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestExperimentSteering)
#include "tst_experimentsteering.moc"
