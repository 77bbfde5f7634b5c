# ADMINCHAT_SANITIZE and ADMINCHAT_FUZZ compile flags (see tests/fuzz/ and docs/fuzzing.md).
# Both need clang for libFuzzer; ADMINCHAT_SANITIZE alone also works with GCC. The two can share
# one build tree: everything runs under ASan and UBSan, and adminchat_core additionally carries the
# coverage instrumentation that guides the fuzzer.

# The sanitizer tree does not need the Google Benchmark executable (it is never run by ctest).
option(ADMINCHAT_BUILD_BENCHMARKS "Build the Google Benchmark executable (tests/benchmarks)" ON)

if(ADMINCHAT_FUZZ AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ADMINCHAT_FUZZ needs clang: -DCMAKE_CXX_COMPILER=clang++")
endif()

if(ADMINCHAT_SANITIZE OR ADMINCHAT_FUZZ)
    # UBSan findings abort (and so fail the test) instead of printing and going on.
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)
    add_link_options(-fsanitize=address,undefined)
    # Lets timing-sensitive tests widen their tolerances: instrumented code runs 2-3x slower.
    add_compile_definitions(ADMINCHAT_SANITIZED)
endif()

if(ADMINCHAT_FUZZ)
    # Coverage feedback for the fuzzer, only where the fuzzed code lives: instrumenting every test
    # and the widgets as well would only slow the rest of the suite down. The core library is
    # defined after this file is included, so the option is attached once the top directory is
    # fully configured.
    function(adminchat_instrument_core_for_fuzzing)
        get_target_property(core_parts adminchat_core INTERFACE_LINK_LIBRARIES)
        foreach(part IN LISTS core_parts) # adminchat_core is the folder libraries together
            target_compile_options(${part} PRIVATE -fsanitize=fuzzer-no-link)
        endforeach()
    endfunction()
    cmake_language(DEFER DIRECTORY ${PROJECT_SOURCE_DIR} CALL adminchat_instrument_core_for_fuzzing)
endif()
