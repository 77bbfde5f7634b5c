# The conversation sidebar and the endpoint profile editor.
target_sources(adminchat_ui PRIVATE
    ConversationItemDelegate.h ConversationItemDelegate.cpp
    ConversationListModel.h ConversationListModel.cpp
    ConversationSidebar.h ConversationSidebar.cpp
    ProfileEditorDialog.h ProfileEditorDialog.cpp
    ProfileConnectionTester.h ProfileConnectionTester.cpp
    ConnectionTestControls.h ConnectionTestControls.cpp
    ProfileForm.h ProfileForm.cpp
    ProbeSettingsForm.h ProbeSettingsForm.cpp
    ProfileFileWatcher.h ProfileFileWatcher.cpp
)
