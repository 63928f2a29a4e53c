# model_bench: MobileNetV2 forward throughput (images/s), OpenCvDnnBackend vs OneDnnBackend.
add_executable(model_bench ${CMAKE_CURRENT_LIST_DIR}/model_bench.cc)
target_link_libraries(model_bench PRIVATE orchard_model benchmark::benchmark)
target_compile_definitions(model_bench PRIVATE
  ORCHARD_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
