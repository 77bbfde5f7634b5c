# The application shell: menus, preferences, about and shortcut help, themes. Included from
# ui/CMakeLists.txt; paths are relative to this file.
target_sources(adminchat_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/AboutDialog.h
    ${CMAKE_CURRENT_LIST_DIR}/AboutDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/AlertPreferences.h
    ${CMAKE_CURRENT_LIST_DIR}/AlertPreferences.cpp
    ${CMAKE_CURRENT_LIST_DIR}/MainMenus.h
    ${CMAKE_CURRENT_LIST_DIR}/MainMenus.cpp
    ${CMAKE_CURRENT_LIST_DIR}/PreferencesDialog.h
    ${CMAKE_CURRENT_LIST_DIR}/PreferencesDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ShellTheme.h
    ${CMAKE_CURRENT_LIST_DIR}/ShellTheme.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ShortcutsDialog.h
    ${CMAKE_CURRENT_LIST_DIR}/ToneLabel.h
    ${CMAKE_CURRENT_LIST_DIR}/ToneLabel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ShortcutsDialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/WindowCommands.h
    ${CMAKE_CURRENT_LIST_DIR}/WindowCommands.cpp
    ${CMAKE_CURRENT_LIST_DIR}/WindowShell.h
    ${CMAKE_CURRENT_LIST_DIR}/WindowShell.cpp
)
