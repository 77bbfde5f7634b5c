# The endpoint watch (core/watch and `adminchat watch`): the state machine, the scheduler on a
# manual clock, probe classification and the incident store in process; the command against
# serve-demo processes whose faults change while it runs; desktop notifications against dunst on
# a private session bus (NotificationServer.h).
list(APPEND ADMINCHAT_CORE_TESTS
    tst_statustracker
    tst_probescheduler
    tst_proberesult
    tst_incidentstore
    tst_watchoverview
    tst_alertrules
    tst_desktopnotifier
)
list(APPEND ADMINCHAT_INTEGRATION_TESTS tst_desktopnotifier) # dbus-daemon, Xvfb, dunst
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_watchcommand tst_watchalerts)
list(APPEND ADMINCHAT_SLOW_TESTS
    tst_watchcommand # about 20 s of probes at 1 s intervals
    tst_watchalerts  # a minute's window of probes (the shortest a timed rule has)
)

# The window's watch: the Endpoints tab, alerts and tray against serve-demo processes; again in a
# real X server with a system tray (tests/run-with-tray.sh), where the tray icon must show.
list(APPEND ADMINCHAT_GUI_TESTS tst_endpointswindow)
list(APPEND ADMINCHAT_INTEGRATION_TESTS tst_endpointswindow)
list(APPEND ADMINCHAT_SLOW_TESTS tst_endpointswindow)
cmake_language(DEFER CALL adminchat_add_tray_test)
function(adminchat_add_tray_test)
    add_test(NAME tst_endpointswindow_tray
             COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/run-with-tray.sh
                     $<TARGET_FILE:tst_endpointswindow> -platform xcb statusesAlertAndTray)
    set_tests_properties(tst_endpointswindow_tray PROPERTIES ENVIRONMENT ADMINCHAT_REQUIRE_TRAY=1
                                                              RESOURCE_LOCK xvfb_run)
    adminchat_label_test(tst_endpointswindow_tray gui integration)
endfunction()
