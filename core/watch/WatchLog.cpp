#include "watch/WatchLog.h"

Q_LOGGING_CATEGORY(lcWatch, "adminchat.watch", QtWarningMsg)
