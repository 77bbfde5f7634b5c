// For tests that talk to a real Secret Service (gnome-keyring in the private D-Bus session that
// tests/run-all.sh starts).
#pragma once

#include <QTest>

// A macro, not a function: QSKIP must return from the test function itself.
#define REQUIRE_KEYCHAIN()                                                                         \
    do {                                                                                           \
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))                               \
            QSKIP("no D-Bus session: run inside tests/run-all.sh (dbus-run-session + "             \
                  "gnome-keyring-daemon)");                                                        \
    } while (false)
