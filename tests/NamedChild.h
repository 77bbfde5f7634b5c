#pragma once

#include <QObject>
#include <QtGlobal>

// A widget of a dialog or form found by its object name; warns (and returns nullptr) when there
// is none, so a renamed widget shows in the test's output rather than as a crash.
template <typename T> T* namedChild(const QObject* parent, const char* name)
{
    T* widget = parent->findChild<T*>(QLatin1String(name));
    if (!widget)
        qWarning("no widget named %s", name);
    return widget;
}
