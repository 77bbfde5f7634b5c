#include "ResponsePlan.h"

ResponsePlan::ResponsePlan(QList<HostileResponse> answers) : m_state(std::make_shared<State>())
{
    m_state->answers = std::move(answers);
}

void ResponsePlan::append(HostileResponse answer)
{
    QMutexLocker locker(&m_state->mutex);
    m_state->answers.append(std::move(answer));
}

void ResponsePlan::setFallback(HostileResponse answer)
{
    QMutexLocker locker(&m_state->mutex);
    m_state->fallback = std::move(answer);
}

int ResponsePlan::answered() const
{
    QMutexLocker locker(&m_state->mutex);
    return m_state->answered;
}

HostileResponse ResponsePlan::operator()(const HostileRequest&) const
{
    QMutexLocker locker(&m_state->mutex);
    ++m_state->answered;
    if (!m_state->answers.isEmpty())
        m_state->last = m_state->answers.takeFirst();
    else if (m_state->fallback)
        return *m_state->fallback;
    return m_state->last.value_or(HostileResponse::closeAfterReading());
}
