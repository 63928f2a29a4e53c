# stats benchmarks: Moments accumulation, eigensolvers, FitPca, Transform.
# The Eigen variants are here only as the measured alternative to OpenBLAS/LAPACK.
find_package(Eigen3 REQUIRED NO_MODULE)
pkg_check_modules(ORCHARD_BENCH_OPENBLAS REQUIRED IMPORTED_TARGET openblas)
pkg_check_modules(ORCHARD_BENCH_LAPACKE REQUIRED IMPORTED_TARGET lapacke)
add_executable(stats_bench ${CMAKE_CURRENT_LIST_DIR}/stats_bench.cc)
target_link_libraries(stats_bench PRIVATE orchard_stats Eigen3::Eigen benchmark::benchmark
  PkgConfig::ORCHARD_BENCH_LAPACKE PkgConfig::ORCHARD_BENCH_OPENBLAS)
