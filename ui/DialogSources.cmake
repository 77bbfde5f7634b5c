# Dialogs shared by several parts of the window: where exports start, the experiment builder.
target_sources(adminchat_ui PRIVATE
    ExportFolder.h ExportFolder.cpp
    ExperimentBuilderDialog.h ExperimentBuilderDialog.cpp
)
