# Every test carries at least one of the labels unit, integration, gui, slow, fuzz: the tests
# `ctest -N` lists, against those ctest -N -L <label> lists for each label.
# cmake -DCTEST_COMMAND=... -DBUILD_DIR=... -P check-labels.cmake
set(known unit integration gui slow fuzz)

function(listed out)
    execute_process(COMMAND ${CTEST_COMMAND} --test-dir ${BUILD_DIR} -N ${ARGN}
                    OUTPUT_VARIABLE text RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "ctest -N ${ARGN} failed")
    endif()
    string(REGEX MATCHALL "Test +#[0-9]+: [^\n]+" lines "${text}")
    set(names)
    foreach(line IN LISTS lines)
        string(REGEX REPLACE "Test +#[0-9]+: " "" name "${line}")
        list(APPEND names ${name})
    endforeach()
    set(${out} ${names} PARENT_SCOPE)
endfunction()

listed(all)
set(labelled)
foreach(label IN LISTS known)
    listed(tests -L "^${label}$")
    list(LENGTH tests count)
    message(STATUS "${label}: ${count}")
    list(APPEND labelled ${tests})
endforeach()
list(REMOVE_ITEM all ${labelled})
if(all)
    message(FATAL_ERROR "tests without a label: ${all}")
endif()
