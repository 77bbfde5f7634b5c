# The transport: redirects, re-sends, proxies, informational answers and header limits, each
# through the real client (in-process, and the adminchat binary) against HostileServer.
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_redirects tst_resends tst_proxies tst_transportlimits)
