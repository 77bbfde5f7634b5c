# Request parameters and presets, and the figures kept with answers:
# list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_CORE_TESTS|ADMINCHAT_GUI_TESTS ...)
list(APPEND ADMINCHAT_CORE_TESTS tst_requestparameters tst_presetstore tst_parameterswire
     tst_conversationparameters)
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_askparameters)
list(APPEND ADMINCHAT_GUI_TESTS tst_parametersbar)
