# The layering check must refuse what it is there to refuse: on a copy of core/ it passes, then
# fails, naming the file and both layers, once a folder includes a higher layer, a folder of its
# own layer it does not use, or a higher layer through a relative path.
# Run by ctest as: cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch> -P check-layering-refuses.cmake
cmake_minimum_required(VERSION 3.25) # script mode: IN_LIST and the other policies
set(check "${CMAKE_CURRENT_LIST_DIR}/check-layering.cmake")
file(REMOVE_RECURSE "${WORK_DIR}")
file(COPY "${SOURCE_DIR}/core" DESTINATION "${WORK_DIR}")

function(run_check out_result out_output)
    execute_process(COMMAND "${CMAKE_COMMAND}" -DSOURCE_DIR=${WORK_DIR} -P "${check}"
                    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    set(${out_result} "${result}" PARENT_SCOPE)
    set(${out_output} "${output}" PARENT_SCOPE)
endfunction()

run_check(result output)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "the unchanged copy of core/ should pass:\n${output}")
endif()

# <file> (under core/) gets <include>; the check must fail and say <expected> (a regex).
function(expect_refused file include expected)
    set(path "${WORK_DIR}/core/${file}")
    file(READ "${path}" original)
    file(APPEND "${path}" "\n#include \"${include}\"\n")
    run_check(result output)
    file(WRITE "${path}" "${original}")
    if(result EQUAL 0)
        message(FATAL_ERROR "core/${file} including ${include} was not refused:\n${output}")
    endif()
    if(NOT output MATCHES "${expected}")
        message(FATAL_ERROR "refused, but the message does not say /${expected}/:\n${output}")
    endif()
    message(STATUS "refused: core/${file} including ${include}")
endfunction()

expect_refused(sse/SseDecoder.cpp "chat/ChatSession.h"
               "core/sse/SseDecoder.cpp: #include \"chat/ChatSession.h\": sse \\(layer 0\\) must not include chat \\(layer 6\\), a higher layer")
expect_refused(metrics/RollupCell.h "experiments/ExperimentComparison.h"
               "core/metrics/RollupCell.h: #include \"experiments/ExperimentComparison.h\": metrics \\(layer 3\\) must not include experiments \\(layer 4\\)")
expect_refused(chat/ChatSession.h "bench/LoadRunner.h"
               "core/chat/ChatSession.h: #include \"bench/LoadRunner.h\": chat \\(layer 6\\) must not include bench \\(layer 6\\), a folder of its own layer")
expect_refused(openai/ChatRequest.cpp "../store/Database.h"
               "core/openai/ChatRequest.cpp: #include \"../store/Database.h\": openai \\(layer 1\\) must not include store \\(layer 5\\)")
expect_refused(demo/DemoServer.cpp "text/TerminalText.h"
               "core/demo/DemoServer.cpp: #include \"text/TerminalText.h\": demo \\(layer 2\\) does not use text \\(layer 0\\)")

# A new folder must be placed in the table before it can hold code.
file(MAKE_DIRECTORY "${WORK_DIR}/core/newfolder")
run_check(result output)
if(result EQUAL 0 OR NOT output MATCHES "core/newfolder/: a folder core/CoreLayers.cmake does not list")
    message(FATAL_ERROR "a folder missing from core/CoreLayers.cmake was not refused:\n${output}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
