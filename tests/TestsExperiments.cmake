# Tests of A/B experiments: list(APPEND ADMINCHAT_CORE_TESTS ...)
list(APPEND ADMINCHAT_CORE_TESTS tst_experimentdefinition)
list(APPEND ADMINCHAT_CORE_TESTS tst_variantassigner)
list(APPEND ADMINCHAT_CORE_TESTS tst_statistics)
list(APPEND ADMINCHAT_CORE_TESTS tst_experimentcomparison)
# The experiment builder dialog in the main window.
list(APPEND ADMINCHAT_GUI_TESTS tst_experimentbuilder)
