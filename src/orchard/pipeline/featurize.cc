#include "orchard/pipeline/featurize.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <exception>
#include <nlohmann/json.hpp>
#include <semaphore>
#include <thread>

#include "orchard/core/bounded_queue.h"
#include "orchard/core/check.h"
#include "orchard/core/errors.h"
#include "orchard/core/mutex.h"
#include "orchard/core/thread_pool.h"
#include "orchard/pipeline/layout.h"
#include "orchard/stats/moments.h"
#include "orchard/storage/s3_storage.h"

namespace orchard::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr size_t kMaxFailureExamples = 20;

// One image after read + decode + preprocess: a CHW tensor, or why it failed.
struct DecodedImage {
  std::string key;  // copies: the shard's entry list is gone by the time the writer sees this
  std::string label;
  bool ok = false;
  ImageFailure failure;
  int height = 0;
  int width = 0;
  std::vector<float> tensor;  // 3 * height * width
};

struct DecodedBatch {
  std::int64_t sequence = 0;  // position in the run, so the writer can restore the order
  std::int64_t shard = 0;
  bool last_of_shard = false;
  std::vector<DecodedImage> images;
};

// Features of the images of one batch that decoded, in input order.
struct FeaturedBatch {
  std::int64_t sequence = 0;
  std::int64_t shard = 0;
  bool last_of_shard = false;
  std::vector<std::string> paths;
  std::vector<std::string> labels;
  std::vector<float> features;  // paths.size() * feature_dim, row-major
  std::vector<ImageFailure> failures;
};

// The first exception any thread raised; once set, every queue is closed so
// that all threads wind down instead of blocking on a dead peer.
class ErrorSlot {
 public:
  void Set(std::exception_ptr error) {
    MutexLock lock(mu_);
    if (!error_) error_ = error;
  }
  std::exception_ptr Get() {
    MutexLock lock(mu_);
    return error_;
  }

 private:
  Mutex mu_;
  std::exception_ptr error_ ORCHARD_GUARDED_BY(mu_);
};

// Workers that read and decode. A read from S3 waits on the network rather
// than the CPU, so with S3 input there are as many workers as S3 connections
// (--io-threads), to keep that many GETs in flight; `decode_slots` still lets
// only options.threads of them decode at once.
int ReadWorkers(const FeaturizeContext& context) {
  int workers = context.options.threads;
  if (const auto* s3 = dynamic_cast<const storage::S3Storage*>(context.input)) {
    workers = std::max(workers, s3->io_threads());
  }
  return workers;
}

DecodedImage ReadAndDecode(storage::Storage& input, const ImageEntry& entry,
                           const FeaturizeOptions& options,
                           std::counting_semaphore<>& decode_slots) {
  DecodedImage out;
  out.key = entry.key;
  out.label = entry.label;
  std::vector<std::byte> bytes;
  try {
    bytes = input.Read(entry.key);
  } catch (const IoError& e) {
    // One unreadable object (deleted since listing, permission) is a per-image
    // failure; a storage that is down fails every image and trips max_failures.
    out.failure = {entry.key, "read_failed", e.what()};
    return out;
  }
  decode_slots.acquire();
  struct Release {
    std::counting_semaphore<>& slots;
    ~Release() { slots.release(); }
  } release{decode_slots};
  image::DecodeResult decoded = image::Decode(bytes, options.decode);
  if (decoded.status != image::DecodeStatus::kOk) {
    out.failure = {entry.key, std::string(image::ToString(decoded.status)), decoded.reason};
    return out;
  }
  const image::PreprocessSpec& spec = options.preprocess;
  out.width = spec.width > 0 ? spec.width : decoded.image.width;
  out.height = spec.height > 0 ? spec.height : decoded.image.height;
  out.tensor.resize(static_cast<size_t>(3) * out.width * out.height);
  image::Preprocess(decoded.image, spec, out.tensor);
  out.ok = true;
  return out;
}

// Runs the CNN over the decoded images of a batch. Images of different sizes
// (possible with --image-size native) go through in runs of equal size.
FeaturedBatch Infer(model::Backend& backend, DecodedBatch& batch, std::vector<float>& blob,
                    std::atomic<std::int64_t>* inference_nanos) {
  FeaturedBatch out;
  out.sequence = batch.sequence;
  out.shard = batch.shard;
  out.last_of_shard = batch.last_of_shard;
  const int dim = backend.feature_dim();
  std::vector<const DecodedImage*> good;
  for (DecodedImage& image : batch.images) {
    if (image.ok) {
      good.push_back(&image);
    } else {
      out.failures.push_back(std::move(image.failure));
    }
  }
  out.features.resize(good.size() * static_cast<size_t>(dim));
  size_t begin = 0;
  while (begin < good.size()) {
    size_t end = begin + 1;
    while (end < good.size() && good[end]->height == good[begin]->height &&
           good[end]->width == good[begin]->width) {
      ++end;
    }
    const size_t image_floats = good[begin]->tensor.size();
    blob.resize((end - begin) * image_floats);
    for (size_t i = begin; i < end; ++i) {
      std::memcpy(blob.data() + (i - begin) * image_floats, good[i]->tensor.data(),
                  image_floats * sizeof(float));
    }
    const Clock::time_point start = Clock::now();
    backend.Forward(blob, static_cast<int>(end - begin), good[begin]->height, good[begin]->width,
                    std::span<float>(out.features).subspan(begin * dim, (end - begin) * dim));
    *inference_nanos +=
        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
    begin = end;
  }
  for (const DecodedImage* image : good) {
    out.paths.push_back(image->key);
    out.labels.push_back(image->label);
  }
  return out;
}

std::string FailuresJsonl(const std::vector<ImageFailure>& failures) {
  std::string text;
  for (const ImageFailure& f : failures) {
    text += nlohmann::json({{"path", f.path}, {"reason", f.reason}, {"detail", f.detail}})
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    text += '\n';
  }
  return text;
}

void WriteObject(storage::Storage& output, const std::string& key, const std::string& text) {
  std::unique_ptr<OutputStream> stream = output.OpenWrite(key);
  stream->Append(std::as_bytes(std::span<const char>(text.data(), text.size())));
  stream->Close();
}

// Accumulates one shard's outputs as its batches arrive and commits them.
class ShardWriter {
 public:
  ShardWriter(const FeaturizeContext& context, std::int64_t shard, int dim)
      : context_(context), shard_(shard), moments_(dim) {
    const bool csv = context.options.table.format == io::TableFormat::kCsv;
    std::vector<io::ColumnSpec> schema = {{"path", io::ColumnType::kString, false},
                                          {"label", io::ColumnType::kString, true},
                                          {"features", io::ColumnType::kFloatList, false}};
    writer_ = io::OpenTableWriter(
        context.output->OpenWrite(PartKey(PartKind::kFeatures, shard, TableExtension(csv))),
        std::move(schema), context.options.table);
  }

  void Add(const FeaturedBatch& batch) {
    const std::int64_t rows = static_cast<std::int64_t>(batch.paths.size());
    failures_.insert(failures_.end(), batch.failures.begin(), batch.failures.end());
    if (rows == 0) return;
    const std::int64_t dim = moments_.dim();
    offsets_.resize(rows + 1);
    for (std::int64_t r = 0; r <= rows; ++r) offsets_[r] = r * dim;
    const io::ColumnData columns[] = {std::span<const std::string>(batch.paths),
                                      std::span<const std::string>(batch.labels),
                                      io::FloatListColumn{batch.features, offsets_}};
    writer_->Append(columns);
    features_.insert(features_.end(), batch.features.begin(), batch.features.end());
  }

  // Commits features, then errors, then moments: a shard whose moments part
  // exists has all three, so resume can trust that single marker.
  void Commit() {
    writer_->Close();
    // One Add over the whole shard: the moments then depend only on the
    // shard's rows, not on how they were batched (fp64 sums are not
    // associative), so any --batch-size gives the same bytes.
    moments_.Add(features_, static_cast<std::int64_t>(features_.size()) / moments_.dim());
    WriteObject(*context_.output, PartKey(PartKind::kErrors, shard_, ".jsonl"),
                FailuresJsonl(failures_));
    const std::vector<std::byte> bytes = moments_.Serialize();
    std::unique_ptr<OutputStream> stream =
        context_.output->OpenWrite(PartKey(PartKind::kMoments, shard_, ".bin"));
    stream->Append(bytes);
    stream->Close();
  }

 private:
  const FeaturizeContext& context_;
  const std::int64_t shard_;
  stats::Moments moments_;
  std::unique_ptr<io::TableWriter> writer_;
  std::vector<ImageFailure> failures_;
  std::vector<std::int64_t> offsets_;
  std::vector<float> features_;  // the shard's rows so far: shard_size * dim at most
};

}  // namespace

FeaturizeResult RunFeaturize(const FeaturizeContext& context,
                             const std::function<std::optional<std::int64_t>()>& next_shard) {
  const FeaturizeOptions& options = context.options;
  ORCHARD_CHECK(options.batch_size > 0 && options.threads > 0 && options.inference_workers > 0);
  const Clock::time_point start = Clock::now();
  FeaturizeResult result;
  ErrorSlot error;
  // Two batches decoded ahead of each CNN worker and two featured batches per
  // worker waiting for the writer: enough to keep every side busy, little
  // enough to stay flat.
  const int workers = options.inference_workers;
  BoundedQueue<DecodedBatch> decoded(2 * workers);
  BoundedQueue<FeaturedBatch> featured(2 * workers);
  std::atomic<std::int64_t> decode_nanos = 0;
  std::atomic<std::int64_t> inference_nanos = 0;
  // Batches started but not yet written, at most: bounds what waits for its
  // turn at the writer when workers finish out of order.
  const std::ptrdiff_t window_size = 4 * static_cast<std::ptrdiff_t>(workers);
  std::counting_semaphore<> window(window_size);

  // One backend per CNN worker (backends are not thread-safe), made here so
  // that a model that fails to load fails before any thread starts.
  std::vector<std::unique_ptr<model::Backend>> backends;
  for (int w = 0; w < workers; ++w) backends.push_back(context.make_backend());
  const int dim = backends[0]->feature_dim();

  std::thread producer([&] {
    try {
      std::counting_semaphore<> decode_slots(options.threads);  // outlives the pool's tasks
      ThreadPool pool(ReadWorkers(context));
      std::int64_t sequence = 0;
      while (std::optional<std::int64_t> shard = next_shard()) {
        const std::vector<ImageEntry> shard_images =
            ShardImages(*context.plan, *context.images, *shard);
        const size_t n = shard_images.size();
        for (size_t first = 0; first < n; first += options.batch_size) {
          window.acquire();  // released by the writer, or all at once when it stops
          DecodedBatch batch;
          batch.sequence = sequence++;
          batch.shard = *shard;
          const size_t count = std::min<size_t>(options.batch_size, n - first);
          batch.last_of_shard = first + count == n;
          batch.images.resize(count);
          for (size_t i = 0; i < count; ++i) {
            pool.Submit([&, i] {
              const Clock::time_point t0 = Clock::now();
              batch.images[i] =
                  ReadAndDecode(*context.input, shard_images[first + i], options, decode_slots);
              decode_nanos +=
                  std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
            });
          }
          pool.Wait();
          if (!decoded.Push(std::move(batch))) return;
        }
      }
    } catch (...) {
      error.Set(std::current_exception());
      featured.Close();
    }
    decoded.Close();
  });

  // CNN workers take batches as they come; the last one to finish closes the
  // featured queue.
  std::atomic<int> running_workers = workers;
  std::vector<std::thread> inference;
  for (int w = 0; w < workers; ++w) {
    inference.emplace_back([&, w] {
      try {
        std::vector<float> blob;
        while (std::optional<DecodedBatch> batch = decoded.Pop()) {
          if (!featured.Push(Infer(*backends[w], *batch, blob, &inference_nanos))) break;
        }
      } catch (...) {
        error.Set(std::current_exception());
        decoded.Close();
      }
      if (--running_workers == 0) featured.Close();
    });
  }

  try {
    std::unique_ptr<ShardWriter> writer;
    Clock::time_point last_progress = start;
    std::int64_t done = 0;
    // Workers finish batches out of order: hold early ones until their turn,
    // so rows are written in listing order whatever the number of workers.
    // At most window_size batches wait here.
    std::map<std::int64_t, FeaturedBatch> early;
    std::int64_t next_sequence = 0;
    auto next_in_order = [&]() -> std::optional<FeaturedBatch> {
      while (true) {
        if (auto it = early.find(next_sequence); it != early.end()) {
          FeaturedBatch batch = std::move(it->second);
          early.erase(it);
          ++next_sequence;
          return batch;
        }
        std::optional<FeaturedBatch> batch = featured.Pop();
        if (!batch) return std::nullopt;
        const std::int64_t sequence = batch->sequence;
        early.emplace(sequence, std::move(*batch));
      }
    };
    while (std::optional<FeaturedBatch> batch = next_in_order()) {
      if (!writer) writer = std::make_unique<ShardWriter>(context, batch->shard, dim);
      writer->Add(*batch);
      for (const ImageFailure& f : batch->failures) {
        ++result.failures_by_reason[f.reason];
        if (result.failure_examples.size() < kMaxFailureExamples)
          result.failure_examples.push_back(f);
      }
      result.images_ok += static_cast<std::int64_t>(batch->paths.size());
      result.images_failed += static_cast<std::int64_t>(batch->failures.size());
      done += static_cast<std::int64_t>(batch->paths.size() + batch->failures.size());
      if (options.max_failures >= 0 && result.images_failed > options.max_failures) {
        throw DataError(std::to_string(result.images_failed) +
                        " images failed, more than --max-failures " +
                        std::to_string(options.max_failures) +
                        " allows; see the errors listed in the report "
                        "and fix or remove those files, or raise --max-failures");
      }
      if (batch->last_of_shard) {
        writer->Commit();
        writer.reset();
        ++result.shards_done;
      }
      window.release();
      if (context.progress && SecondsSince(last_progress) >= 0.25) {
        last_progress = Clock::now();
        context.progress({"featurize", done, context.total_images, result.images_failed,
                          SecondsSince(start), false});
      }
    }
    if (context.progress) {
      context.progress({"featurize", done, context.total_images, result.images_failed,
                        SecondsSince(start), true});
    }
  } catch (...) {
    error.Set(std::current_exception());
    decoded.Close();
    featured.Close();
  }
  // The writer is done (all written, or stopped by an error): a producer
  // waiting for room must not wait forever; its next Push then fails.
  window.release(window_size);
  producer.join();
  for (std::thread& worker : inference) worker.join();
  if (std::exception_ptr e = error.Get()) std::rethrow_exception(e);
  result.seconds = SecondsSince(start);
  result.decode_seconds = decode_nanos.load() * 1e-9;
  result.inference_seconds = inference_nanos.load() * 1e-9;
  return result;
}

}  // namespace orchard::pipeline
