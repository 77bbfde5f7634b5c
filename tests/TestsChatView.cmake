# Tests of the chat view: list(APPEND ADMINCHAT_CORE_TESTS|ADMINCHAT_APP_TESTS|ADMINCHAT_GUI_TESTS ...)
list(APPEND ADMINCHAT_GUI_TESTS tst_chatview tst_markdownsegmenter tst_streamingmarkdown
     tst_markdownpreview tst_keyboardconversation tst_chatviewlook)

# An answer just streamed, read back through AT-SPI (Xvfb, a D-Bus session with the AT-SPI bus,
# python3-pyatspi): registered unconditionally so a machine without them fails rather than skips.
add_test(NAME chatview_atspi
         COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/accessibility/chatview_answer.sh
                 $<TARGET_FILE:adminchat>)
set_tests_properties(chatview_atspi PROPERTIES TIMEOUT 120 RESOURCE_LOCK xvfb_run)
adminchat_label_test(chatview_atspi gui integration)
