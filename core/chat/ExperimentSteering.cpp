#include "chat/ExperimentSteering.h"

#include <algorithm>

namespace adminchat {

ExperimentSteering::ExperimentSteering(const ExperimentDefinition& definition)
    : m_assigner(definition)
{}

QStringList ExperimentSteering::profiles() const
{
    QStringList names;
    for (const ExperimentVariant& variant : definition().variants) {
        if (!variant.profile.isEmpty() && !names.contains(variant.profile))
            names.append(variant.profile);
    }
    return names;
}

void ExperimentSteering::setEndpoint(const QString& profile, const EndpointConfig& endpoint,
                                     const QString& defaultModel)
{
    m_endpoints.insert(profile, Endpoint{endpoint, defaultModel});
}

bool ExperimentSteering::isReady() const
{
    const QStringList names = profiles();
    return std::all_of(names.begin(), names.end(),
                       [this](const QString& name) { return m_endpoints.contains(name); });
}

QString ExperimentSteering::conversationVariant(const QString& conversationId) const
{
    if (!assignsConversations())
        return {};
    const int index = m_assigner.assign(conversationId);
    return index >= 0 ? definition().variants.at(index).name : QString();
}

std::optional<RequestSteering> ExperimentSteering::steer(const QString& conversationExperiment,
                                                         const QString& conversationVariant,
                                                         const QString& requestUid) const
{
    if (assignsConversations()) {
        if (conversationExperiment != name() || conversationVariant.isEmpty())
            return std::nullopt;
        return steerVariant(conversationVariant);
    }
    const int index = m_assigner.assign(requestUid);
    if (index < 0)
        return std::nullopt;
    return steerVariant(definition().variants.at(index).name);
}

std::optional<RequestSteering> ExperimentSteering::steerVariant(const QString& variantName) const
{
    const int index = definition().indexOf(variantName);
    if (index < 0)
        return std::nullopt;
    const ExperimentVariant& variant = definition().variants.at(index);
    RequestSteering steering;
    steering.experiment = name();
    steering.variant = variant.name;
    steering.model = variant.model;
    if (!variant.profile.isEmpty()) {
        // An unresolved profile is not silently replaced by another endpoint: the caller makes
        // sure every endpoint is there (isReady()) before the experiment steers anything.
        const auto it = m_endpoints.constFind(variant.profile);
        if (it != m_endpoints.constEnd()) {
            steering.profile = variant.profile;
            steering.endpoint = it->config;
            if (steering.model.isEmpty())
                steering.model = it->defaultModel;
        }
    }
    steering.temperature = variant.params.temperature;
    steering.maxTokens = variant.params.maxTokens;
    steering.system = variant.params.system;
    return steering;
}

double ExperimentSteering::share(int variantIndex) const
{
    const double total = definition().totalWeight();
    if (variantIndex < 0 || variantIndex >= definition().variants.size() || total <= 0)
        return 0;
    return definition().variants.at(variantIndex).weight / total;
}

} // namespace adminchat
