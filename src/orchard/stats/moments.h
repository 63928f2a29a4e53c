#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace orchard::stats {

// Running first and second moments of a stream of D-dimensional rows, in fp64:
// the row count n, the mean μ[D] and the co-moment matrix
//   M2 = Σ_rows (x − μ)(x − μ)ᵀ      (row-major, size D × D, symmetric)
// so that the population covariance is M2 / n and the sample covariance M2 / (n − 1).
//
// Batches are centred on their own mean and combined with the exact pairwise
// update of Chan, Golub & LeVeque, so accumulating a set of rows gives the same
// result (within fp64 roundoff) however the rows are split into batches, shards
// and workers, provided merges happen in a fixed order.
//
// A value type: copyable and movable. NOT thread-safe: give each worker its own
// Moments and Merge() them afterwards, in shard order for bit-reproducible runs.
class Moments {
 public:
  // An empty accumulator (count 0, zero mean and co-moment).
  // REQUIRES: dim > 0 (InternalError otherwise).
  explicit Moments(int dim);

  // Adds `num_rows` rows, float32 row-major, size num_rows × dim().
  // Throws DataError naming the row and column if a value is NaN or infinite;
  // the accumulator is unchanged then.
  // REQUIRES: num_rows >= 0 and rows.size() == num_rows * dim() (InternalError).
  // Cost O(num_rows · D²) plus O(D²) per call: pass batches of 1024 rows or
  // more. At D = 1280, 32-row batches cost ~5x the CPU per row of 1024-row
  // ones (bench/stats_bench.cc), so buffer small CNN batches before adding.
  void Add(std::span<const float> rows, std::int64_t num_rows);

  // Adds every row that `other` has seen, as if they had been Add()ed here.
  // Throws DataError if other.dim() != dim() (moments of different feature
  // spaces, e.g. parts written by two different models).
  void Merge(const Moments& other);

  int dim() const { return dim_; }
  std::int64_t count() const { return count_; }
  // Size dim(); all zeros while count() == 0.
  std::span<const double> mean() const { return mean_; }
  // M2 as above: row-major, size dim() × dim(), exactly symmetric.
  std::span<const double> comoment() const { return comoment_; }

  // Encodes the accumulator as a self-checking little-endian byte string
  // (format "ORCHMOMS" version 1, see docs/pca.md): the bytes of a
  // moments/part-NNNNN.bin file. Deserialize(Serialize()) is bit-exact.
  std::vector<std::byte> Serialize() const;

  // Decodes Serialize() output. Throws DataError saying what is wrong when the
  // bytes are truncated, have trailing data, a wrong magic or version, an
  // implausible header, a checksum mismatch or non-finite values.
  static Moments Deserialize(std::span<const std::byte> bytes);

 private:
  // Adds a block of rows already centred on `block_mean` (row-major,
  // block_rows × dim_, fp64). Updates only the upper triangle of comoment_.
  void MergeCenteredBlock(std::span<const double> centered, std::int64_t block_rows,
                          std::span<const double> block_mean);
  // Copies the upper triangle of comoment_ onto the lower one.
  void MirrorUpperToLower();

  int dim_;
  std::int64_t count_ = 0;
  std::vector<double> mean_;      // size dim_
  std::vector<double> comoment_;  // row-major, size dim_ × dim_
};

}  // namespace orchard::stats
