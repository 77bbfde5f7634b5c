# Tests of the demo endpoint beyond tst_demoserver, tst_demohttp and tst_demofaults.
list(APPEND ADMINCHAT_CORE_TESTS tst_demostats tst_demopacer)
