# The window's endpoint watch: the controller, the Endpoints tab, alerts and the tray. Included
# from ui/CMakeLists.txt; paths are relative to this file.
target_sources(adminchat_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/AlertListModel.h
    ${CMAKE_CURRENT_LIST_DIR}/AlertListModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/EndpointsModel.h
    ${CMAKE_CURRENT_LIST_DIR}/EndpointsModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/EndpointsPage.h
    ${CMAKE_CURRENT_LIST_DIR}/EndpointsPage.cpp
    ${CMAKE_CURRENT_LIST_DIR}/UptimeBarDelegate.h
    ${CMAKE_CURRENT_LIST_DIR}/UptimeBarDelegate.cpp
    ${CMAKE_CURRENT_LIST_DIR}/WatchController.h
    ${CMAKE_CURRENT_LIST_DIR}/WatchController.cpp
    ${CMAKE_CURRENT_LIST_DIR}/WatchStatusStyle.h
    ${CMAKE_CURRENT_LIST_DIR}/WatchStatusStyle.cpp
    ${CMAKE_CURRENT_LIST_DIR}/WatchTrayIcon.h
    ${CMAKE_CURRENT_LIST_DIR}/WatchTrayIcon.cpp
    ${CMAKE_CURRENT_LIST_DIR}/WindowWatch.h
    ${CMAKE_CURRENT_LIST_DIR}/WindowWatch.cpp
)
