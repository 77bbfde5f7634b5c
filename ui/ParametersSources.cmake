# Request parameters: the conversation's header line, its editor and the presets dialog.
target_sources(adminchat_ui PRIVATE
    ParametersBar.h ParametersBar.cpp
    ParametersDialog.h ParametersDialog.cpp
    ParametersForm.h ParametersForm.cpp
    PresetsDialog.h PresetsDialog.cpp
)
