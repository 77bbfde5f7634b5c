#include "demo/DemoConfig.h"
