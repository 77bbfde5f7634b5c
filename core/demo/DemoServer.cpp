#include "demo/DemoServer.h"
