# Dialogs shared by several parts of the window: where exports start.
target_sources(adminchat_ui PRIVATE
    ExportFolder.h ExportFolder.cpp
)
