# image_bench: decode and preprocess throughput on the shared fruits-demo JPEGs.
find_package(OpenCV REQUIRED COMPONENTS core imgcodecs)
add_executable(image_bench ${CMAKE_CURRENT_LIST_DIR}/image_bench.cc)
target_link_libraries(image_bench PRIVATE orchard_image opencv_core opencv_imgcodecs
                      benchmark::benchmark)
target_include_directories(image_bench SYSTEM PRIVATE ${OpenCV_INCLUDE_DIRS})
target_compile_definitions(image_bench PRIVATE
  ORCHARD_SHARED_DIR="${PROJECT_SOURCE_DIR}/../shared")
