#include "demo/DemoLog.h"

namespace adminchat {

Q_LOGGING_CATEGORY(lcDemo, "adminchat.demo", QtInfoMsg)

} // namespace adminchat
