#include "orchard/pipeline/commands.h"

#include <sys/resource.h>

#include <chrono>
#include <ctime>
#include <initializer_list>
#include <map>
#include <set>
#include <nlohmann/json.hpp>
#include <thread>

#include "orchard/core/errors.h"
#include "orchard/dist/shard_assignment.h"
#include "orchard/model/onednn_backend.h"
#include "orchard/model/opencv_dnn_backend.h"
#include "orchard/pipeline/featurize.h"
#include "orchard/pipeline/fit.h"
#include "orchard/pipeline/layout.h"
#include "orchard/pipeline/project.h"
#include "orchard/pipeline/rank_exchange.h"
#include "orchard/pipeline/report_counts.h"
#include "orchard/pipeline/text_bytes.h"
#include "orchard/stats/blas_threads.h"
#include "orchard/storage/s3_storage.h"

namespace orchard::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string NowIso() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

std::int64_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::int64_t>(usage.ru_maxrss) * 1024;  // Linux reports KiB
}

int EffectiveThreads(const PipelineOptions& options) {
  if (options.threads > 0) return options.threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

void WriteText(storage::Storage& storage, const std::string& key, const std::string& text) {
  std::unique_ptr<OutputStream> stream = storage.OpenWrite(key);
  stream->Append(std::as_bytes(std::span<const char>(text.data(), text.size())));
  stream->Close();
}

// The model's input size unless the user asked for another: "native" keeps
// each image's own size (the GAP backbones accept any size), "N" means N×N.
image::PreprocessSpec PreprocessFor(const model::ModelSpec& spec, const std::string& image_size,
                                    std::string* label) {
  image::PreprocessSpec pre;
  pre.width = spec.input_width;
  pre.height = spec.input_height;
  if (image_size == "native") {
    pre.width = pre.height = 0;
  } else if (!image_size.empty()) {
    pre.width = pre.height = std::stoi(image_size);
  }
  if ((pre.width != spec.input_width || pre.height != spec.input_height) && !spec.dynamic_size) {
    throw UsageError("model " + spec.name + " accepts only " + std::to_string(spec.input_width) +
                     "x" + std::to_string(spec.input_height) + " inputs; drop --image-size");
  }
  pre.channel_order =
      spec.channel_order == "BGR" ? image::ChannelOrder::kBgr : image::ChannelOrder::kRgb;
  pre.scale = spec.scale;
  pre.mean = spec.mean;
  pre.std = spec.std;
  *label = pre.width == 0 ? "native" : std::to_string(pre.width) + "x" + std::to_string(pre.height);
  return pre;
}

// A stage's shard source: the given shards, one at a time.
std::function<std::optional<std::int64_t>()> Iterate(std::vector<std::int64_t> shards) {
  auto state = std::make_shared<std::pair<std::vector<std::int64_t>, size_t>>(std::move(shards), 0);
  return [state]() -> std::optional<std::int64_t> {
    if (state->second >= state->first.size()) return std::nullopt;
    return state->first[state->second++];
  };
}

// When OUT lies inside INPUT (both local), the input listing must not pick up
// our own outputs on a rerun: returns OUT's key prefix relative to INPUT.
std::string OutputPrefixInsideInput(const std::string& input_uri, const std::string& output_uri) {
  std::string in = input_uri, out = output_uri;
  while (in.size() > 1 && in.back() == '/') in.pop_back();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (out.size() > in.size() && out.starts_with(in) && out[in.size()] == '/') {
    return out.substr(in.size() + 1) + "/";
  }
  return "";
}

// Deletes what an earlier job left in OUT (only orchard's own layout).
void ClearOutput(storage::Storage& output) {
  for (const char* prefix : {"features/", "moments/", "errors/", "pca/"}) {
    for (const storage::ObjectInfo& object : output.List(prefix)) output.Delete(object.key);
  }
  for (const char* key : {kPlanKey, kReportJsonKey, kReportHtmlKey, kSuccessKey})
    output.Delete(key);
}

// State shared by the commands: storages, the resolved model and the plan.
struct Job {
  std::unique_ptr<storage::Storage> output;
  std::unique_ptr<storage::Storage> input;
  model::ResolvedModel model;
  image::PreprocessSpec preprocess;
  std::string image_size;
  std::vector<ImageEntry> images;
  Plan plan;
  double plan_seconds = 0.0;
  report::RunSummary summary;
};

report::RunSummary BaseSummary(const PipelineOptions& options, const std::string& command) {
  report::RunSummary s;
  s.orchard_version = ORCHARD_VERSION;
  s.command = command;
  s.input_uri = options.input_uri;
  s.output_uri = options.output_uri;
  s.created_at = NowIso();
  s.batch_size = options.batch_size;
  s.threads = EffectiveThreads(options);
  return s;
}

// Opens the storages and resolves the model: what every rank does for itself.
void OpenJob(const PipelineOptions& options, Job& job) {
  job.output = storage::OpenStorage(options.output_uri, options.storage);
  job.input = storage::OpenStorage(options.input_uri, options.storage);
  job.model = model::ResolveModel(options.model, options.model_spec_path, options.model_search);
  job.preprocess = PreprocessFor(job.model.spec, options.image_size, &job.image_size);
}

// Opens the job, lists INPUT and loads OUT/plan.json, or writes it when absent.
// A plan from another input listing or other settings is refused unless
// --overwrite.
void PlanJob(const PipelineOptions& options, Job& job) {
  const Clock::time_point start = Clock::now();
  OpenJob(options, job);
  std::int64_t skipped = 0;
  job.images =
      SelectImages(job.input->List(""),
                   OutputPrefixInsideInput(options.input_uri, options.output_uri), &skipped);
  if (job.images.empty()) {
    throw DataError("no images under " + options.input_uri + " (" + std::to_string(skipped) +
                    " other files); orchard reads .jpg, .jpeg, .png, .webp and .bmp files");
  }
  Plan fresh = MakePlan(job.images, options.input_uri, job.model.spec.name, job.image_size,
                        options.shard_size);
  fresh.num_skipped_files = skipped;
  fresh.created_at = NowIso();
  fresh.orchard_version = ORCHARD_VERSION;
  if (options.overwrite) ClearOutput(*job.output);
  if (job.output->Exists(kPlanKey)) {
    Plan existing = PlanFromJson(TextOf(job.output->Read(kPlanKey)));
    if (existing.fingerprint != fresh.fingerprint) {
      throw UsageError(job.output->Uri("") + " already holds results of another job (planned for " +
                       existing.input_uri + ", model " + existing.model_name + ", image size " +
                       existing.image_size + ", shard size " + std::to_string(existing.shard_size) +
                       ", " + std::to_string(existing.num_images) + " images); this job has " +
                       fresh.input_uri + ", model " + fresh.model_name + ", image size " +
                       fresh.image_size + ", shard size " + std::to_string(fresh.shard_size) +
                       ", " + std::to_string(fresh.num_images) +
                       " images. Nothing was changed. Use --overwrite to replace "
                       "those results, or choose another --out");
    }
    job.plan = std::move(existing);
  } else {
    job.plan = std::move(fresh);
    WriteText(*job.output, kPlanKey, PlanToJson(job.plan));
  }
  job.plan_seconds = SecondsSince(start);
}

io::TableWriterOptions TableOptions(const PipelineOptions& options, const std::string& model_name,
                                    int feature_dim, const std::string& image_size) {
  io::TableWriterOptions table;
  table.format = options.format;
  table.compression = options.compression;
  table.metadata = {{"orchard.version", ORCHARD_VERSION},
                    {"orchard.model", model_name},
                    {"orchard.feature_dim", std::to_string(feature_dim)},
                    {"orchard.image_size", image_size}};
  return table;
}

using ShardSource = std::function<std::optional<std::int64_t>()>;

// Sets the BLAS thread count for a scope, and restores it on the way out.
class BlasThreadsScope {
 public:
  explicit BlasThreadsScope(int threads) : before_(stats::BlasThreads()) {
    stats::SetBlasThreads(threads);
  }
  ~BlasThreadsScope() { stats::SetBlasThreads(before_); }
  BlasThreadsScope(const BlasThreadsScope&) = delete;
  BlasThreadsScope& operator=(const BlasThreadsScope&) = delete;

 private:
  const int before_;
};

// Makes one CNN backend per inference worker, each with `threads_per_worker`.
// "auto" means oneDNN, or OpenCV DNN for a graph with an op oneDNN's backend
// cannot run; *used names the engine the workers got.
std::function<std::unique_ptr<model::Backend>()> MakeBackendFactory(
    const PipelineOptions& options, const model::ResolvedModel& resolved, int threads_per_worker,
    std::string* used) {
  const model::BackendOptions backend_options{threads_per_worker};
  model::OneDnnOptions onednn;
  onednn.max_batch = std::max(1, options.batch_size);
  onednn.bf16 = options.bf16;
  if (options.backend != "opencv" && options.backend != "onednn" && options.backend != "auto") {
    throw UsageError("unknown --backend '" + options.backend + "'; choose auto, onednn or opencv");
  }
  if (options.bf16 && options.backend == "opencv")
    throw UsageError("--bf16 needs the onednn backend");
  *used = options.backend;
  return [&resolved, backend_options, onednn, used]() -> std::unique_ptr<model::Backend> {
    if (*used == "auto") {
      try {
        std::unique_ptr<model::Backend> backend =
            model::OneDnnBackend(resolved, backend_options, onednn);
        *used = "onednn";
        return backend;
      } catch (const UsageError&) {
        if (onednn.bf16) throw;  // bf16 asked for explicitly: say why it cannot be had
        *used = "opencv";
      }
    }
    if (*used == "onednn") return model::OneDnnBackend(resolved, backend_options, onednn);
    return model::OpenCvDnnBackend(resolved, backend_options);
  };
}

// The shards among `candidates` whose moments part is not committed yet.
std::vector<std::int64_t> PendingShards(storage::Storage& output,
                                        const std::vector<std::int64_t>& candidates) {
  std::vector<std::int64_t> pending;
  for (std::int64_t shard : candidates) {
    if (!output.Exists(PartKey(PartKind::kMoments, shard, ".bin"))) pending.push_back(shard);
  }
  return pending;
}

// Featurizes the shards `next_shard` hands out, some of `pending` (all of them
// in a single process); fills the summary's counts and stage timings.
void FeaturizeJob(const PipelineOptions& options, Job& job,
                  const std::vector<std::int64_t>& pending, const ShardSource& next_shard) {
  std::int64_t total_images = 0;
  for (std::int64_t shard : pending) total_images += job.plan.shards[shard].count;
  FeaturizeContext context;
  context.input = job.input.get();
  context.output = job.output.get();
  context.plan = &job.plan;
  context.images = &job.images;
  const int threads = EffectiveThreads(options);
  const int workers = options.inference_workers > 0 ? options.inference_workers : threads;
  context.make_backend =
      MakeBackendFactory(options, job.model, std::max(1, threads / workers), &job.summary.backend);
  context.options.batch_size = options.batch_size;
  context.options.threads = threads;
  context.options.inference_workers = workers;
  context.options.max_failures = options.max_failures;
  context.options.decode.max_pixels = options.max_image_pixels;
  context.options.preprocess = job.preprocess;
  context.options.table =
      TableOptions(options, job.model.spec.name, job.model.spec.feature_dim, job.image_size);
  context.progress = options.progress;
  context.total_images = total_images;
  FeaturizeResult result;
  if (!pending.empty()) {
    // The CNN workers have the cores: the per-shard Moments::Add must not
    // start BLAS threads of its own next to them.
    const BlasThreadsScope one_blas_thread(1);
    result = RunFeaturize(context, next_shard);
  }

  report::RunSummary& s = job.summary;
  s.model_name = job.model.spec.name;
  s.image_width = job.preprocess.width;
  s.image_height = job.preprocess.height;
  s.feature_dim = job.model.spec.feature_dim;
  s.num_images = job.plan.num_images;
  s.num_shards = static_cast<std::int64_t>(job.plan.shards.size());
  s.num_succeeded = result.images_ok;
  s.num_failed = result.images_failed;
  for (const auto& [reason, count] : result.failures_by_reason)
    s.failures_by_reason.push_back({reason, count});
  for (const ImageFailure& f : result.failure_examples)
    s.failure_examples.push_back({f.path, f.reason, f.detail});
  s.stages.push_back({"plan", job.plan_seconds, job.plan.num_images, "images"});
  s.stages.push_back(
      {"featurize", result.seconds, result.images_ok + result.images_failed, "images"});
  s.stages.push_back({"featurize: decode (worker time)", result.decode_seconds,
                      result.images_ok + result.images_failed, "images"});
  s.stages.push_back(
      {"featurize: CNN (worker time)", result.inference_seconds, result.images_ok, "images"});
}

stats::PcaModel FitJob(const PipelineOptions& options, storage::Storage& output, const Plan& plan,
                       report::RunSummary& summary) {
  const Clock::time_point start = Clock::now();
  stats::Moments moments = MergeShardMoments(output, plan);
  stats::PcaOptions pca = options.pca;
  if (pca.components <= 0 && pca.variance <= 0) pca.components = 50;
  if (pca.components > 0) {
    const std::int64_t limit = std::min<std::int64_t>(moments.dim(), moments.count());
    if (pca.components > limit) {
      throw UsageError("--pca-components " + std::to_string(pca.components) + " is more than the " +
                       std::to_string(limit) + " components " + std::to_string(moments.count()) +
                       " images of dimension " + std::to_string(moments.dim()) +
                       " can give; choose a smaller k or use --pca-variance");
    }
  }
  stats::PcaModel model = stats::FitPca(moments, pca);
  model.model_name = plan.model_name;
  model.created_at = NowIso();
  model.orchard_version = ORCHARD_VERSION;
  WritePcaModel(output, kPcaModelKey, model);
  summary.stages.push_back({"fit", SecondsSince(start), moments.count(), "rows"});
  return model;
}

std::int64_t ProjectJob(const PipelineOptions& options, storage::Storage& output, const Plan& plan,
                        const stats::PcaModel& model, report::RunSummary& summary,
                        const ShardSource& next_shard) {
  const ProjectResult result = RunProject(
      output, model, TableOptions(options, plan.model_name, model.input_dim, plan.image_size),
      next_shard);
  summary.stages.push_back({"project", result.seconds, result.rows, "rows"});
  summary.pca_k = model.k;
  summary.explained_variance_ratio = model.explained_variance_ratio_all;
  return result.rows;
}

// Retries the S3 storages of this process needed (0 for local storage).
std::int64_t RetriesOf(std::initializer_list<const storage::Storage*> storages) {
  std::int64_t retries = 0;
  for (const storage::Storage* s : storages) {
    if (const auto* s3 = dynamic_cast<const storage::S3Storage*>(s))
      retries += static_cast<std::int64_t>(s3->retry_count());
  }
  return retries;
}

void WriteReport(storage::Storage& output, report::RunSummary& summary, Clock::time_point start) {
  summary.total_seconds = SecondsSince(start);
  summary.peak_rss_bytes = PeakRssBytes();
  WriteText(output, kReportJsonKey, report::ToJson(summary));
  WriteText(output, kReportHtmlKey, report::ToHtml(summary));
  WriteText(output, kSuccessKey, "");
}

// The PCA model given by --pca-model: a local path or a URI (its folder is
// opened as a storage). It must fit the features of this job.
stats::PcaModel LoadGivenPcaModel(const PipelineOptions& options, const Job& job) {
  const std::string& uri = options.pca_model_uri;
  const size_t slash = uri.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : uri.substr(0, slash);
  const std::string key = slash == std::string::npos ? uri : uri.substr(slash + 1);
  std::unique_ptr<storage::Storage> storage = storage::OpenStorage(dir, options.storage);
  stats::PcaModel model = ReadPcaModel(*storage, key);
  if (model.input_dim != job.model.spec.feature_dim || model.model_name != job.model.spec.name) {
    throw DataError("PCA model " + uri + " was fitted on " + std::to_string(model.input_dim) +
                    "-dimensional features of model " + model.model_name + ", but this job uses " +
                    job.model.spec.name + " (" + std::to_string(job.model.spec.feature_dim) + ")");
  }
  return model;
}

Plan ReadPlan(storage::Storage& output) {
  if (!output.Exists(kPlanKey)) {
    throw UsageError(output.Uri(kPlanKey) +
                     " does not exist: run `orchard featurize` (or `orchard run`) "
                     "with this --out first");
  }
  return PlanFromJson(TextOf(output.Read(kPlanKey)));
}

// This worker's shards of an array job (all of them for 1 worker).
std::vector<std::int64_t> ShardsOfThisWorker(const PipelineOptions& options, const Plan& plan) {
  return dist::ShardsOfWorker(options.shard_index, options.shard_count,
                              static_cast<std::int64_t>(plan.shards.size()));
}

// Projections, report and _SUCCESS depend on the PCA model: a new model
// makes them stale.
void RemoveProjections(storage::Storage& output) {
  for (const storage::ObjectInfo& object : output.List("pca/part-")) output.Delete(object.key);
  for (const char* key : {kReportJsonKey, kReportHtmlKey, kSuccessKey}) output.Delete(key);
}

dist::Communicator& CommunicatorOf(const PipelineOptions& options) {
  static const std::unique_ptr<dist::Communicator> single = dist::NewSingleProcessCommunicator();
  return options.communicator != nullptr ? *options.communicator : *single;
}

void RequireOneRank(const PipelineOptions& options, const std::string& command) {
  if (CommunicatorOf(options).size() > 1) {
    throw UsageError("`orchard " + command +
                     "` runs as one step of an array job and not under mpirun; "
                     "under mpirun use `orchard run`, which spreads every stage over the ranks");
  }
}

}  // namespace

report::RunSummary RunAll(const PipelineOptions& options) {
  const Clock::time_point start = Clock::now();
  dist::Communicator& comm = CommunicatorOf(options);
  const bool distributed = comm.size() > 1;
  Job job;
  job.summary = BaseSummary(options, "run");

  // Plan: rank 0 lists and plans, the others receive what it decided.
  std::vector<std::int64_t> pending;
  if (comm.rank() == 0) {
    PlanJob(options, job);
    job.output->Delete(kSuccessKey);
    pending = PendingShards(*job.output, ShardsOfThisWorker(options, job.plan));
  } else {
    OpenJob(options, job);
  }
  if (distributed) {
    const std::vector<std::byte> message = comm.Broadcast(
        BytesOf(comm.rank() == 0 ? EncodeJobMessage(job.plan, job.images, pending) : ""), 0);
    if (comm.rank() != 0) DecodeJobMessage(TextOf(message), &job.plan, &job.images, &pending);
  }
  job.summary.shards_skipped =
      static_cast<std::int64_t>(ShardsOfThisWorker(options, job.plan).size() - pending.size());

  // Featurize: in one process the pending shards in order; under MPI each
  // rank claims the next pending shard when it is ready for one.
  PipelineOptions featurize_options = options;
  if (distributed && options.progress) {
    const std::string who =
        " (rank " + std::to_string(comm.rank()) + " of " + std::to_string(comm.size()) + ")";
    featurize_options.progress = [who, progress = options.progress](Progress p) {
      p.stage += who;
      progress(p);
    };
  }
  FeaturizeJob(featurize_options, job, pending,
               distributed ? QueueOver(comm, pending) : Iterate(pending));
  if (comm.rank() != 0)
    std::erase_if(job.summary.stages, [](const auto& t) { return t.name == "plan"; });
  comm.Barrier();  // every shard's moments are committed

  // Fit (or load the given model) on rank 0, merging moments in shard order,
  // so that the model does not depend on the number of ranks.
  stats::PcaModel model;
  if (comm.rank() == 0) {
    if (options.pca_model_uri.empty()) {
      model = FitJob(options, *job.output, job.plan, job.summary);
    } else {
      model = LoadGivenPcaModel(options, job);
      WritePcaModel(*job.output, kPcaModelKey, model);
    }
  }
  if (distributed) {
    const std::vector<std::byte> text =
        comm.Broadcast(BytesOf(comm.rank() == 0 ? stats::PcaModelToJson(model) : ""), 0);
    if (comm.rank() != 0) model = stats::PcaModelFromJson(TextOf(text));
  }

  const std::vector<std::int64_t> all_shards = ShardsOfThisWorker(options, job.plan);
  ProjectJob(options, *job.output, job.plan, model, job.summary,
             distributed ? QueueOver(comm, all_shards) : Iterate(all_shards));
  job.summary.storage_retries = RetriesOf({job.input.get(), job.output.get()});
  if (distributed) GatherRankStats(comm, PeakRssBytes(), job.summary);
  if (comm.rank() == 0) {
    CountFromParts(*job.output, job.plan, job.summary);
    WriteReport(*job.output, job.summary, start);
  }
  return job.summary;
}

report::RunSummary FeaturizeOnly(const PipelineOptions& options) {
  RequireOneRank(options, "featurize");
  const Clock::time_point start = Clock::now();
  Job job;
  job.summary = BaseSummary(options, "featurize");
  PlanJob(options, job);
  const std::vector<std::int64_t> mine = ShardsOfThisWorker(options, job.plan);
  const std::vector<std::int64_t> pending = PendingShards(*job.output, mine);
  job.summary.shards_skipped = static_cast<std::int64_t>(mine.size() - pending.size());
  FeaturizeJob(options, job, pending, Iterate(pending));
  job.summary.total_seconds = SecondsSince(start);
  job.summary.peak_rss_bytes = PeakRssBytes();
  return job.summary;
}

report::RunSummary FitOnly(const PipelineOptions& options) {
  RequireOneRank(options, "fit");
  const Clock::time_point start = Clock::now();
  report::RunSummary summary = BaseSummary(options, "fit");
  std::unique_ptr<storage::Storage> output =
      storage::OpenStorage(options.output_uri, options.storage);
  const Plan plan = ReadPlan(*output);
  RemoveProjections(*output);
  const stats::PcaModel model = FitJob(options, *output, plan, summary);
  summary.model_name = plan.model_name;
  summary.num_images = plan.num_images;
  summary.num_succeeded = model.n_samples;
  summary.feature_dim = model.input_dim;
  summary.pca_k = model.k;
  summary.explained_variance_ratio = model.explained_variance_ratio_all;
  summary.total_seconds = SecondsSince(start);
  return summary;
}

report::RunSummary ProjectOnly(const PipelineOptions& options, bool* wrote_report) {
  if (wrote_report != nullptr) *wrote_report = false;
  RequireOneRank(options, "project");
  const Clock::time_point start = Clock::now();
  report::RunSummary summary = BaseSummary(options, "project");
  std::unique_ptr<storage::Storage> output =
      storage::OpenStorage(options.output_uri, options.storage);
  const Plan plan = ReadPlan(*output);
  if (!output->Exists(kPcaModelKey)) {
    throw UsageError(output->Uri(kPcaModelKey) +
                     " does not exist: run `orchard fit` with this OUT first");
  }
  const stats::PcaModel model = ReadPcaModel(*output, kPcaModelKey);
  summary.model_name = plan.model_name;
  summary.input_uri = plan.input_uri;
  summary.num_images = plan.num_images;
  summary.num_succeeded = model.n_samples;
  summary.feature_dim = model.input_dim;
  summary.num_shards = static_cast<std::int64_t>(plan.shards.size());
  ProjectJob(options, *output, plan, model, summary, Iterate(ShardsOfThisWorker(options, plan)));
  // Every shard projected (ours are committed, the others' checked after
  // that): this worker writes the job's report. The last worker to finish
  // always sees every part; two that finish together write the same report.
  // One listing rather than a request per shard: every task of the array does this.
  std::set<std::string> committed;
  for (const storage::ObjectInfo& object : output->List("pca/part-")) committed.insert(object.key);
  bool all_projected = true;
  for (const ShardInfo& shard : plan.shards) {
    const std::string key = PartKey(PartKind::kPca, shard.index,
                                    TableExtension(options.format == io::TableFormat::kCsv));
    all_projected = all_projected && committed.contains(key);
  }
  if (all_projected) {
    CountFromParts(*output, plan, summary);
    summary.storage_retries = RetriesOf({output.get()});
    WriteReport(*output, summary, start);
    if (wrote_report != nullptr) *wrote_report = true;
  }
  summary.total_seconds = SecondsSince(start);
  return summary;
}

}  // namespace orchard::pipeline
