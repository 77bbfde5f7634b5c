// HostileServer for the transport tests (see TestsTransport.cmake for why the include is in
// angle brackets); its Step initialisers warn under -Wextra.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <HostileServer.h>
#pragma GCC diagnostic pop
