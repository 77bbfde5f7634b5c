# Tests of the application shell (menus, preferences, themes, window state, accessibility):
# list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS|ADMINCHAT_GUI_TESTS ...)
list(APPEND ADMINCHAT_GUI_TESTS tst_shellwindow tst_shelltheme)

# The window's accessible tree over AT-SPI under Xvfb (tests/accessibility: a pyatspi helper
# module and one script per check). Registered even when a tool is missing, so it fails loudly.
add_test(NAME tst_accessibility_shell
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/accessibility/run-atspi.sh
                 $<TARGET_FILE:adminchat> ${CMAKE_CURRENT_SOURCE_DIR}/accessibility/check_shell.py)
adminchat_label_test(tst_accessibility_shell gui integration)
set_tests_properties(tst_accessibility_shell PROPERTIES TIMEOUT 120 RESOURCE_LOCK xvfb_run)
