# The application shell: menus, preferences, about and shortcut help, themes. Included from
# ui/CMakeLists.txt; paths are relative to this file.
target_sources(adminchat_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/ShellTheme.h
    ${CMAKE_CURRENT_LIST_DIR}/ShellTheme.cpp
)
