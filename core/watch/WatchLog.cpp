#include "watch/WatchLog.h"

Q_LOGGING_CATEGORY(lcWatch, "adminchat.watch", QtWarningMsg)
Q_LOGGING_CATEGORY(lcNotify, "adminchat.notify", QtWarningMsg)
