# The core's layers, bottom first, and the folders each folder uses. A folder may use only folders
# of lower layers; it sees its own headers and those of the folders it uses (and theirs), nothing
# else. Two things hold the code to this table: core/CMakeLists.txt gives each folder library only
# those include paths, so a wrong include does not compile, and adminchat_check_core_layers() (run
# when configuring, and by ctest as check_layering) names the file, the include and both layers.
#
# Included in script mode by tests/check-layering.cmake: plain set() and functions only.

set(ADMINCHAT_CORE_LAYER_COUNT 8)
set(ADMINCHAT_CORE_LAYER_0 sse text)               # event-stream decoder; terminal text
set(ADMINCHAT_CORE_LAYER_1 openai)                 # requests, chunk decoder, API errors
set(ADMINCHAT_CORE_LAYER_2 net demo)               # curl transport and client; demo endpoint
set(ADMINCHAT_CORE_LAYER_3 metrics)                # records, sketches, aggregation, CSV
set(ADMINCHAT_CORE_LAYER_4 experiments)            # variants and their comparison
set(ADMINCHAT_CORE_LAYER_5 store settings)         # SQLite services; application settings
set(ADMINCHAT_CORE_LAYER_6 endpoints chat bench telemetry) # profiles, keys; chat; load runs; export
set(ADMINCHAT_CORE_LAYER_7 watch)                  # endpoint probes, statuses, incidents, alerts

set(ADMINCHAT_CORE_USES_sse)
set(ADMINCHAT_CORE_USES_text)
set(ADMINCHAT_CORE_USES_openai sse)
set(ADMINCHAT_CORE_USES_net openai sse)
set(ADMINCHAT_CORE_USES_demo openai)
set(ADMINCHAT_CORE_USES_metrics net)
set(ADMINCHAT_CORE_USES_experiments metrics)
set(ADMINCHAT_CORE_USES_store metrics experiments)
set(ADMINCHAT_CORE_USES_settings metrics experiments)
set(ADMINCHAT_CORE_USES_endpoints net settings)
set(ADMINCHAT_CORE_USES_chat openai net metrics experiments store)
set(ADMINCHAT_CORE_USES_bench openai net metrics)
set(ADMINCHAT_CORE_USES_telemetry demo metrics store)
set(ADMINCHAT_CORE_USES_watch openai net metrics store endpoints chat)

# Every folder, bottom layer first, with ADMINCHAT_CORE_LAYER_OF_<folder> its layer.
set(ADMINCHAT_CORE_FOLDERS "")
math(EXPR adminchat_core_top_layer "${ADMINCHAT_CORE_LAYER_COUNT} - 1")
foreach(layer RANGE ${adminchat_core_top_layer})
    foreach(folder IN LISTS ADMINCHAT_CORE_LAYER_${layer})
        list(APPEND ADMINCHAT_CORE_FOLDERS ${folder})
        set(ADMINCHAT_CORE_LAYER_OF_${folder} ${layer})
    endforeach()
endforeach()

# A use of a folder that is not below is an error in the table itself.
foreach(folder IN LISTS ADMINCHAT_CORE_FOLDERS)
    foreach(used IN LISTS ADMINCHAT_CORE_USES_${folder})
        if(NOT used IN_LIST ADMINCHAT_CORE_FOLDERS)
            message(FATAL_ERROR "core/CoreLayers.cmake: ${folder} uses '${used}', not a core folder")
        endif()
        if(NOT ADMINCHAT_CORE_LAYER_OF_${used} LESS ADMINCHAT_CORE_LAYER_OF_${folder})
            message(FATAL_ERROR "core/CoreLayers.cmake: ${folder} (layer "
                                "${ADMINCHAT_CORE_LAYER_OF_${folder}}) uses ${used} (layer "
                                "${ADMINCHAT_CORE_LAYER_OF_${used}}), which is not below it")
        endif()
    endforeach()
endforeach()

# <out> = every folder <folder> may include: itself and, transitively, what it uses.
function(adminchat_core_visible_folders folder out)
    set(visible ${folder})
    set(pending ${ADMINCHAT_CORE_USES_${folder}})
    while(pending)
        list(POP_FRONT pending next)
        if(NOT next IN_LIST visible)
            list(APPEND visible ${next})
            list(APPEND pending ${ADMINCHAT_CORE_USES_${next}})
        endif()
    endwhile()
    set(${out} ${visible} PARENT_SCOPE)
endfunction()

# Folder of the core header that `include` (as written in an #include of the file `path`) names,
# or "" when it names none (Qt, system and third-party headers).
function(adminchat_core_included_folder source_dir path include out)
    set(${out} "" PARENT_SCOPE)
    if(include MATCHES "\\.\\.")
        get_filename_component(directory "${path}" DIRECTORY)
        get_filename_component(target "${include}" ABSOLUTE BASE_DIR "${directory}")
        file(RELATIVE_PATH relative "${source_dir}/core" "${target}")
    else()
        set(relative "${include}")
    endif()
    if(relative MATCHES "^([a-z]+)/[^/]+$" AND EXISTS "${source_dir}/core/${relative}")
        if(CMAKE_MATCH_1 IN_LIST ADMINCHAT_CORE_FOLDERS)
            set(${out} ${CMAKE_MATCH_1} PARENT_SCOPE)
        endif()
    endif()
endfunction()

# Scans every file under <source_dir>/core and sets <out> to one line per include the table above
# does not allow ("" when there is none).
function(adminchat_check_core_layers source_dir out)
    set(violations "")
    # A folder the table does not list would build into no library and be checked by nobody.
    file(GLOB entries LIST_DIRECTORIES true "${source_dir}/core/*")
    foreach(entry IN LISTS entries)
        get_filename_component(name "${entry}" NAME)
        if(IS_DIRECTORY "${entry}" AND NOT name IN_LIST ADMINCHAT_CORE_FOLDERS)
            list(APPEND violations "core/${name}/: a folder core/CoreLayers.cmake does not list")
        endif()
    endforeach()
    foreach(folder IN LISTS ADMINCHAT_CORE_FOLDERS)
        adminchat_core_visible_folders(${folder} visible)
        file(GLOB_RECURSE files "${source_dir}/core/${folder}/*.h" "${source_dir}/core/${folder}/*.cpp")
        foreach(path IN LISTS files)
            file(STRINGS "${path}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
            foreach(line IN LISTS lines)
                if(NOT line MATCHES "include[ \t]*[<\"]([^>\"]+)[>\"]")
                    continue()
                endif()
                set(include "${CMAKE_MATCH_1}")
                adminchat_core_included_folder("${source_dir}" "${path}" "${include}" used)
                if(NOT used OR used IN_LIST visible)
                    continue()
                endif()
                file(RELATIVE_PATH relative "${source_dir}" "${path}")
                set(from "${folder} (layer ${ADMINCHAT_CORE_LAYER_OF_${folder}})")
                set(to "${used} (layer ${ADMINCHAT_CORE_LAYER_OF_${used}})")
                if(ADMINCHAT_CORE_LAYER_OF_${used} GREATER ADMINCHAT_CORE_LAYER_OF_${folder})
                    set(why "${from} must not include ${to}, a higher layer")
                elseif(ADMINCHAT_CORE_LAYER_OF_${used} EQUAL ADMINCHAT_CORE_LAYER_OF_${folder})
                    set(why "${from} must not include ${to}, a folder of its own layer")
                else()
                    set(why "${from} does not use ${to} (list it in ADMINCHAT_CORE_USES_${folder}"
                            " if it should)")
                endif()
                list(APPEND violations "${relative}: #include \"${include}\": ${why}")
            endforeach()
        endforeach()
    endforeach()
    set(${out} "${violations}" PARENT_SCOPE)
endfunction()
