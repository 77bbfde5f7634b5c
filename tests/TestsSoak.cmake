# Thousands of requests at concurrency 32 with faults on.
