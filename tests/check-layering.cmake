# Fails when core/ includes a widgets or charts header (adminchat_core must stay testable without
# a screen), or when a core folder includes a folder its layer may not use (core/CoreLayers.cmake).
# Run by ctest as: cmake -DSOURCE_DIR=<repo> -P check-layering.cmake
cmake_minimum_required(VERSION 3.25) # script mode: IN_LIST and the other policies
file(GLOB_RECURSE core_files "${SOURCE_DIR}/core/*.h" "${SOURCE_DIR}/core/*.cpp")
set(violations "")
foreach(path IN LISTS core_files)
    file(STRINGS "${path}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](QtWidgets|QtCharts|QtGui|QWidget|QApplication|QMainWindow|QDialog|QChart|QPainter|QGuiApplication)")
    foreach(line IN LISTS lines)
        file(RELATIVE_PATH relative "${SOURCE_DIR}" "${path}")
        list(APPEND violations "${relative}: ${line}")
    endforeach()
endforeach()
if(violations)
    list(JOIN violations "\n  " text)
    message(FATAL_ERROR "core/ must not use widgets, charts or GUI headers:\n  ${text}")
endif()
message(STATUS "core/ is free of widgets and GUI headers")

include("${SOURCE_DIR}/core/CoreLayers.cmake")
adminchat_check_core_layers("${SOURCE_DIR}" violations)
if(violations)
    list(JOIN violations "\n  " text)
    message(FATAL_ERROR "core/ includes across its layers (see core/CoreLayers.cmake):\n  ${text}")
endif()
list(JOIN ADMINCHAT_CORE_FOLDERS " " folders)
message(STATUS "core/ folders include only their own layer's uses: ${folders}")
