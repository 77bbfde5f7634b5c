#include "AlertPreferences.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>

namespace adminchat {

namespace {

QSpinBox* spin(QWidget* parent, const char* name, const QString& accessible, int maximum,
               const QString& suffix)
{
    auto* box = new QSpinBox(parent);
    box->setObjectName(QLatin1String(name));
    box->setAccessibleName(accessible);
    box->setRange(0, maximum);
    box->setSuffix(suffix);
    box->setSpecialValueText(QObject::tr("off"));
    box->setKeyboardTracking(false);
    return box;
}

// "over [value] for [minutes]" on one line.
QHBoxLayout* pair(QSpinBox* value, QSpinBox* minutes, QWidget* parent)
{
    auto* row = new QHBoxLayout;
    row->addWidget(value);
    row->addWidget(new QLabel(QObject::tr("for"), parent));
    row->addWidget(minutes);
    row->addStretch(1);
    return row;
}

} // namespace

AlertPreferences::AlertPreferences(QWidget* parent)
    : QGroupBox(tr("Alerts"), parent),
      m_notify(new QCheckBox(tr("Show alerts as desktop &notifications"), this)),
      m_degradedFor(spin(this, "alertDegradedFor", tr("Degraded for minutes"),
                         AlertThresholds::maxMinutes, tr(" min"))),
      m_ttft(spin(this, "alertTtftP95", tr("TTFT P95 over milliseconds"), AlertThresholds::maxMs,
                  QStringLiteral(" ms"))),
      m_ttftFor(spin(this, "alertTtftFor", tr("TTFT P95 for minutes"), AlertThresholds::maxMinutes,
                     tr(" min"))),
      m_e2e(spin(this, "alertE2eP95", tr("E2E P95 over milliseconds"), AlertThresholds::maxMs,
                 QStringLiteral(" ms"))),
      m_e2eFor(spin(this, "alertE2eFor", tr("E2E P95 for minutes"), AlertThresholds::maxMinutes,
                    tr(" min"))),
      m_errorRate(
          spin(this, "alertErrorRate", tr("Error rate over percent"), 100, QStringLiteral(" %"))),
      m_errorFor(spin(this, "alertErrorFor", tr("Error rate for minutes"),
                      AlertThresholds::maxMinutes, tr(" min"))),
      m_cooldown(spin(this, "alertCooldown", tr("Quiet after an alert, minutes"),
                      AlertThresholds::maxCooldownS / 60, tr(" min")))
{
    setObjectName(QStringLiteral("alertPreferences"));
    m_notify->setObjectName(QStringLiteral("desktopNotifications"));
    m_notify->setToolTip(tr("Through the desktop's notification server; a click shows the "
                            "alert's evidence in the Endpoints tab"));
    m_ttft->setSingleStep(100);
    m_e2e->setSingleStep(500);
    m_cooldown->setSpecialValueText(tr("never"));
    auto* form = new QFormLayout(this);
    form->addRow(m_notify);
    form->addRow(tr("&Degraded for:"), m_degradedFor);
    // Rows of two fields: a label's mnemonic needs its buddy set by hand.
    const auto label = [this](const QString& text, QWidget* buddy) {
        auto* result = new QLabel(text, this);
        result->setBuddy(buddy);
        return result;
    };
    form->addRow(label(tr("&TTFT P95 over:"), m_ttft), pair(m_ttft, m_ttftFor, this));
    form->addRow(label(tr("&E2E P95 over:"), m_e2e), pair(m_e2e, m_e2eFor, this));
    form->addRow(label(tr("E&rror rate over:"), m_errorRate), pair(m_errorRate, m_errorFor, this));
    form->addRow(tr("&Quiet after an alert:"), m_cooldown);
    auto* note = new QLabel(tr("Over the probes of watched endpoints; a profile may set its own. "
                               "An alert clears below 90 % of its threshold."),
                            this);
    note->setWordWrap(true);
    note->setForegroundRole(QPalette::PlaceholderText);
    form->addRow(note);

    connect(m_notify, &QCheckBox::toggled, this, [this](bool on) {
        if (!m_loading)
            emit notificationsToggled(on);
    });
    for (QSpinBox* box :
         {m_degradedFor, m_ttft, m_ttftFor, m_e2e, m_e2eFor, m_errorRate, m_errorFor, m_cooldown})
        connect(box, &QSpinBox::valueChanged, this, [this] {
            if (!m_loading)
                emit thresholdsEdited(thresholds());
        });
}

void AlertPreferences::setValues(bool notifications, const AlertThresholds& thresholds)
{
    m_loading = true;
    m_notify->setChecked(notifications);
    m_degradedFor->setValue(thresholds.degradedForMinutes);
    m_ttft->setValue(thresholds.ttftP95Ms);
    m_ttftFor->setValue(thresholds.ttftForMinutes);
    m_e2e->setValue(thresholds.e2eP95Ms);
    m_e2eFor->setValue(thresholds.e2eForMinutes);
    m_errorRate->setValue(thresholds.errorRatePercent);
    m_errorFor->setValue(thresholds.errorRateForMinutes);
    m_cooldown->setValue(thresholds.cooldownS / 60);
    m_loading = false;
}

AlertThresholds AlertPreferences::thresholds() const
{
    AlertThresholds result;
    result.degradedForMinutes = m_degradedFor->value();
    result.ttftP95Ms = m_ttft->value();
    result.ttftForMinutes = m_ttftFor->value();
    result.e2eP95Ms = m_e2e->value();
    result.e2eForMinutes = m_e2eFor->value();
    result.errorRatePercent = m_errorRate->value();
    result.errorRateForMinutes = m_errorFor->value();
    result.cooldownS = m_cooldown->value() * 60;
    return result;
}

bool AlertPreferences::notifications() const
{
    return m_notify->isChecked();
}

} // namespace adminchat
