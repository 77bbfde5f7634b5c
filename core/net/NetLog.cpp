#include "net/NetLog.h"

Q_LOGGING_CATEGORY(lcNet, "adminchat.net", QtWarningMsg)
