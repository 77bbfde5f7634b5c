#pragma once

#include "settings/AlertThresholds.h"

#include <QGroupBox>

class QCheckBox;
class QSpinBox;

namespace adminchat {

// The Alerts group of Preferences: desktop notifications on or off, and the application-wide
// thresholds of the watch's timed rules (AlertThresholds; a profile may override them). 0 turns
// a rule off.
class AlertPreferences : public QGroupBox
{
    Q_OBJECT
public:
    explicit AlertPreferences(QWidget* parent = nullptr);

    void setValues(bool notifications, const AlertThresholds& thresholds); // emits nothing
    AlertThresholds thresholds() const;
    bool notifications() const;

signals:
    void thresholdsEdited(const adminchat::AlertThresholds& thresholds);
    void notificationsToggled(bool on);

private:
    QCheckBox* m_notify;
    QSpinBox* m_degradedFor;
    QSpinBox* m_ttft;
    QSpinBox* m_ttftFor;
    QSpinBox* m_e2e;
    QSpinBox* m_e2eFor;
    QSpinBox* m_errorRate;
    QSpinBox* m_errorFor;
    QSpinBox* m_cooldown;
    bool m_loading = false;
};

} // namespace adminchat
