#include "endpoints/EndpointsLog.h"

Q_LOGGING_CATEGORY(lcEndpoints, "adminchat.endpoints", QtWarningMsg)
