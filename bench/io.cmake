add_executable(io_bench ${CMAKE_CURRENT_LIST_DIR}/io_bench.cc)
target_link_libraries(io_bench PRIVATE orchard_io benchmark::benchmark)
