#pragma once

#include "openai/RequestParameters.h"

#include <QString>

namespace adminchat {

// A named set of request parameters ("Precise": temperature 0.2, max 1024). It may be meant for
// one endpoint profile or one model only; one preset per scope may be the default, which new
// conversations start with.
struct ParameterPreset
{
    QString name;
    QString profile; // empty: any profile
    QString model;   // empty: any model
    bool isDefault = false;
    RequestParameters parameters;

    bool appliesTo(const QString& profileName, const QString& modelName) const
    {
        return (profile.isEmpty() || profile == profileName) &&
               (model.isEmpty() || model == modelName);
    }
    bool sameScope(const ParameterPreset& other) const
    {
        return profile == other.profile && model == other.model;
    }
    bool operator==(const ParameterPreset&) const = default;
};

} // namespace adminchat
