#pragma once

namespace orchard::stats {

// Sets how many threads the BLAS/LAPACK library (OpenBLAS) behind Moments::Add,
// FitPca and Transform may use. Process-wide: it affects every later call from
// every thread. Use 1 while several workers call Moments::Add concurrently
// (each call would otherwise start its own BLAS threads and oversubscribe the
// cores), and the core count for FitPca, which runs alone.
// REQUIRES: num_threads >= 1 (InternalError). Not safe to call while another
// thread is inside a stats call.
void SetBlasThreads(int num_threads);

// The current setting (OpenBLAS starts with the core count, or with
// OPENBLAS_NUM_THREADS from the environment).
int BlasThreads();

}  // namespace orchard::stats
