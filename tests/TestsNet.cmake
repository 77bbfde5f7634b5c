# Retries, TLS certificate errors and request logging of the streaming client.
list(APPEND ADMINCHAT_CORE_TESTS tst_retrypolicy tst_retries tst_tlserrors tst_requestlog)
# Arrival times taken when the socket was seen readable, whatever the handling costs.
list(APPEND ADMINCHAT_CORE_TESTS tst_arrivaltimes)
