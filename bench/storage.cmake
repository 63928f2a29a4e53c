# storage_bench: images/s fetched from a local s3rver with 1, 4 and 16 threads/connections.
find_package(nlohmann_json REQUIRED)
add_executable(storage_bench ${CMAKE_CURRENT_LIST_DIR}/storage_bench.cc
               ${PROJECT_SOURCE_DIR}/tests/orchard/storage/s3rver_process.cc)
target_include_directories(storage_bench PRIVATE ${PROJECT_SOURCE_DIR}/tests/orchard/storage)
target_link_libraries(storage_bench PRIVATE orchard_storage nlohmann_json::nlohmann_json
                      benchmark::benchmark)
target_compile_definitions(storage_bench PRIVATE
  ORCHARD_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
  ORCHARD_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
