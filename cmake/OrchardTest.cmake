# orchard_add_test(NAME <binary> SOURCES <files...> LIBS <targets...> [LABELS <labels...>])
# One GoogleTest binary per module, registered test by test with CTest.
# LABELS defaults to "unit"; integration/mpi tests name their label.
function(orchard_add_test)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  add_executable(${ARG_NAME} ${ARG_SOURCES})
  target_link_libraries(${ARG_NAME} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(${ARG_NAME} PRIVATE
    ORCHARD_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    ORCHARD_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared"
    ORCHARD_BINARY_DIR="${PROJECT_BINARY_DIR}")
  gtest_discover_tests(${ARG_NAME} PROPERTIES LABELS "${ARG_LABELS}" DISCOVERY_TIMEOUT 60)
endfunction()
