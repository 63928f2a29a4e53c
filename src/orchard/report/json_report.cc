#include "orchard/report/run_summary.h"

#include <nlohmann/json.hpp>

namespace orchard::report {

std::string ToJson(const RunSummary& s) {
  nlohmann::ordered_json stages = nlohmann::ordered_json::array();
  for (const StageTiming& t : s.stages) {
    stages.push_back({{"name", t.name},
                      {"seconds", t.seconds},
                      {"items", t.items},
                      {"unit", t.unit},
                      {"items_per_second", t.seconds > 0 ? t.items / t.seconds : 0.0}});
  }
  nlohmann::ordered_json failures = nlohmann::ordered_json::object();
  for (const FailureCount& f : s.failures_by_reason) failures[f.reason] = f.count;
  nlohmann::ordered_json examples = nlohmann::ordered_json::array();
  for (const FailureExample& e : s.failure_examples) {
    examples.push_back({{"path", e.path}, {"reason", e.reason}, {"detail", e.detail}});
  }
  nlohmann::ordered_json cumulative = nlohmann::ordered_json::array();
  double sum = 0.0;
  for (double r : s.explained_variance_ratio) cumulative.push_back(sum += r);

  nlohmann::ordered_json j;
  j["orchard_version"] = s.orchard_version;
  j["command"] = s.command;
  j["created_at"] = s.created_at;
  j["input"] = s.input_uri;
  j["output"] = s.output_uri;
  j["model"] = s.model_name;
  if (!s.backend.empty()) j["backend"] = s.backend;
  j["image_size"] = s.image_width == 0 ? nlohmann::ordered_json("native")
                                       : nlohmann::ordered_json({s.image_width, s.image_height});
  j["feature_dim"] = s.feature_dim;
  j["batch_size"] = s.batch_size;
  j["threads"] = s.threads;
  j["ranks"] = s.ranks;
  j["counts"] = {{"images", s.num_images},
                 {"succeeded", s.num_succeeded},
                 {"failed", s.num_failed},
                 {"shards", s.num_shards},
                 {"shards_skipped", s.shards_skipped}};
  j["total_seconds"] = s.total_seconds;
  j["images_per_second"] = s.total_seconds > 0 ? s.num_succeeded / s.total_seconds : 0.0;
  j["stages"] = stages;
  j["failures_by_reason"] = failures;
  j["failure_examples"] = examples;
  j["storage_retries"] = s.storage_retries;
  j["peak_rss_bytes"] = s.peak_rss_bytes;
  if (s.pca_k > 0) {
    j["pca"] = {{"k", s.pca_k},
                {"explained_variance_ratio", s.explained_variance_ratio},
                {"cumulative_explained_variance_ratio", cumulative}};
  }
  return j.dump(2) + "\n";
}

}  // namespace orchard::report
