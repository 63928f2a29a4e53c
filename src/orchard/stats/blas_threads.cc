#include "orchard/stats/blas_threads.h"

#include <cblas.h>

#include "orchard/core/check.h"

namespace orchard::stats {

void SetBlasThreads(int num_threads) {
  ORCHARD_CHECK(num_threads >= 1, "BLAS thread count must be positive, got " << num_threads);
  openblas_set_num_threads(num_threads);
}

int BlasThreads() { return openblas_get_num_threads(); }

}  // namespace orchard::stats
