# What a server sends, written to a terminal or a spreadsheet: control characters shown, formulas
# guarded.
list(APPEND ADMINCHAT_CORE_TESTS tst_terminaltext)
list(APPEND ADMINCHAT_APP_CORE_TESTS tst_terminaloutput)
