#include "orchard/pipeline/report_counts.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "orchard/pipeline/layout.h"
#include "orchard/pipeline/text_bytes.h"

namespace orchard::pipeline {

void CountFromParts(storage::Storage& output, const Plan& plan, report::RunSummary& summary) {
  std::map<std::string, std::int64_t> by_reason;
  summary.failure_examples.clear();
  for (const ShardInfo& shard : plan.shards) {
    const std::string text = TextOf(output.Read(PartKey(PartKind::kErrors, shard.index, ".jsonl")));
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find('\n', begin);
      if (end == std::string::npos) end = text.size();
      if (end > begin) {
        const nlohmann::json line =
            nlohmann::json::parse(text.substr(begin, end - begin), nullptr, false);
        if (line.is_object()) {
          const std::string reason = line.value("reason", "unknown");
          ++by_reason[reason];
          if (summary.failure_examples.size() < 20) {
            summary.failure_examples.push_back(
                {line.value("path", ""), reason, line.value("detail", "")});
          }
        }
      }
      begin = end + 1;
    }
  }
  summary.failures_by_reason.clear();
  std::int64_t failed = 0;
  for (const auto& [reason, count] : by_reason) {
    summary.failures_by_reason.push_back({reason, count});
    failed += count;
  }
  summary.num_failed = failed;
  summary.num_succeeded = plan.num_images - failed;
  summary.num_images = plan.num_images;
  summary.num_shards = static_cast<std::int64_t>(plan.shards.size());
}

}  // namespace orchard::pipeline
