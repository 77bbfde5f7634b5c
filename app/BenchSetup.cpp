#include "BenchSetup.h"

#include "net/ModelsFetcher.h"

#include <QNetworkAccessManager>

namespace adminchat {

BenchSetup::BenchSetup(QObject* parent)
    : QObject(parent), m_chooser(this), m_manager(new QNetworkAccessManager(this))
{}

BenchSetup::~BenchSetup() = default;

void BenchSetup::start(const BenchOptions& options, Callback done)
{
    m_options = options;
    m_done = std::move(done);
    QString error;
    if (options.promptsFile.isEmpty()) {
        m_inputs.prompts = BenchPrompts::fromText(options.prompt);
    } else {
        auto prompts = BenchPrompts::fromJsonlFile(options.promptsFile, &error);
        if (!prompts)
            return fail(error, 2);
        m_inputs.prompts = *prompts;
    }
    if (!options.experimentFile.isEmpty()) {
        m_inputs.experiment = ExperimentDefinition::fromFile(options.experimentFile, &error);
        if (!m_inputs.experiment)
            return fail(error, 2);
        for (const ExperimentVariant& variant : std::as_const(m_inputs.experiment->variants)) {
            BenchTarget target;
            target.variant = variant.name;
            target.profile = variant.profile.isEmpty() ? options.profile : variant.profile;
            target.model = variant.model.isEmpty() ? options.model : variant.model;
            target.params = variant.params;
            m_inputs.targets.append(target);
        }
    } else {
        BenchTarget target;
        target.profile = options.profile;
        target.model = options.model;
        m_inputs.targets.append(target);
    }
    resolveNext();
}

void BenchSetup::fail(const QString& error, int exitCode)
{
    QMetaObject::invokeMethod(
        this, [done = m_done, error, exitCode] { done(std::nullopt, error, exitCode); },
        Qt::QueuedConnection);
}

void BenchSetup::resolveNext()
{
    if (m_next == m_inputs.targets.size()) {
        m_done(m_inputs, {}, 0);
        return;
    }
    const BenchTarget& target = m_inputs.targets[m_next];
    // Variants without a profile of their own use --base-url or $OPENAI_BASE_URL.
    const QString baseUrl = target.profile.isEmpty() ? m_options.baseUrl : QString();
    m_chooser.choose(target.profile, baseUrl,
                     [this](const std::optional<EndpointChooser::Choice>& choice,
                            const QString& error,
                            int exitCode) { onChosen(choice, error, exitCode); });
}

QString BenchSetup::errorPrefix() const
{
    const QString& variant = m_inputs.targets[m_next].variant;
    return variant.isEmpty() ? QString() : QStringLiteral("variant %1: ").arg(variant);
}

void BenchSetup::onChosen(const std::optional<EndpointChooser::Choice>& choice,
                          const QString& error, int exitCode)
{
    if (!choice)
        return m_done(std::nullopt, errorPrefix() + error, exitCode);
    BenchTarget& target = m_inputs.targets[m_next];
    target.endpoint = choice->config;
    // A load test reports the endpoint as it is: every failure counts, unless asked otherwise.
    target.endpoint.maxRetries = m_options.maxRetries.value_or(0);
    target.profile = choice->profile;
    if (target.model.isEmpty())
        target.model = choice->defaultModel;
    if (!target.model.isEmpty()) {
        ++m_next;
        return resolveNext();
    }
    auto* fetcher = new ModelsFetcher(m_manager, target.endpoint, this);
    connect(fetcher, &ModelsFetcher::finished, this,
            [this, fetcher](const QStringList& models, const std::optional<ApiError>& error) {
                fetcher->deleteLater();
                if (error)
                    return m_done(std::nullopt, errorPrefix() + error->message, 1);
                if (models.isEmpty())
                    return m_done(std::nullopt,
                                  errorPrefix() +
                                      QStringLiteral("the endpoint lists no models; pass --model"),
                                  1);
                m_inputs.targets[m_next].model = models.first();
                ++m_next;
                resolveNext();
            });
    fetcher->start();
}

} // namespace adminchat
