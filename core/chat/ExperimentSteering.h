#pragma once

#include "chat/RequestSteering.h"
#include "experiments/ExperimentDefinition.h"
#include "experiments/VariantAssigner.h"
#include "net/EndpointConfig.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>

namespace adminchat {

// A running A/B experiment as the chat applies it: which variant a new conversation gets, and
// how each request is steered. The endpoints of the profiles the variants name are resolved by
// the caller (keys need the keychain, the demo endpoint its port) and handed in before use.
class ExperimentSteering
{
public:
    explicit ExperimentSteering(const ExperimentDefinition& definition);

    const ExperimentDefinition& definition() const { return m_assigner.definition(); }
    const QString& name() const { return definition().name; }
    bool assignsConversations() const { return definition().unit == ExperimentUnit::Conversation; }

    // The distinct, non-empty profiles the variants name, in file order.
    QStringList profiles() const;
    void setEndpoint(const QString& profile, const EndpointConfig& endpoint,
                     const QString& defaultModel = {});
    bool hasEndpoint(const QString& profile) const { return m_endpoints.contains(profile); }
    bool isReady() const; // every profile has its endpoint

    // The variant a new conversation is assigned (unit "conversation"); empty with unit
    // "request", whose conversations take part without a variant of their own.
    QString conversationVariant(const QString& conversationId) const;

    // For one request of a conversation labelled (experiment, variant). Unit "conversation":
    // only conversations of this experiment are steered, by their variant; unit "request":
    // every request, by its uid. nullopt when the request is not part of the experiment.
    std::optional<RequestSteering> steer(const QString& conversationExperiment,
                                         const QString& conversationVariant,
                                         const QString& requestUid) const;
    // The same for a variant by name (nullopt when the experiment has none of that name).
    std::optional<RequestSteering> steerVariant(const QString& variant) const;

    // Each variant's share of new units, 0..1, in file order.
    double share(int variantIndex) const;

private:
    struct Endpoint
    {
        EndpointConfig config;
        QString defaultModel;
    };

    VariantAssigner m_assigner;
    QHash<QString, Endpoint> m_endpoints;
};

} // namespace adminchat
