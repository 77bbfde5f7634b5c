# The performance dashboard panel (DashboardWidget and its parts), included from
# ui/CMakeLists.txt. Paths are relative to this file so any including directory works.
target_sources(adminchat_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/DashboardCategoryChart.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardCategoryChart.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DashboardChartView.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardChartView.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DashboardFormat.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardFormat.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DashboardGroupModel.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardGroupModel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DashboardKpiRow.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardKpiRow.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DashboardKpiTile.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardKpiTile.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DashboardPercentileChart.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardPercentileChart.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DashboardSuggestionDelegate.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardSuggestionDelegate.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DashboardSuggestionList.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardSuggestionList.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DashboardTimelineChart.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardTimelineChart.cpp
    ${CMAKE_CURRENT_LIST_DIR}/DashboardWidget.h
    ${CMAKE_CURRENT_LIST_DIR}/DashboardWidget.cpp
    ${CMAKE_CURRENT_LIST_DIR}/ExperimentPanel.h
    ${CMAKE_CURRENT_LIST_DIR}/ExperimentPanel.cpp
)
