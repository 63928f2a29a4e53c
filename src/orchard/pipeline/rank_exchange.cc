#include "orchard/pipeline/rank_exchange.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "orchard/pipeline/text_bytes.h"

namespace orchard::pipeline {

std::string EncodeJobMessage(const Plan& plan, const std::vector<ImageEntry>& images,
                             const std::vector<std::int64_t>& pending) {
  nlohmann::json listing = nlohmann::json::array();
  for (const ImageEntry& e : images) listing.push_back({e.key, e.label, e.size_bytes});
  return nlohmann::json{{"plan", PlanToJson(plan)}, {"images", listing}, {"pending", pending}}
      .dump();
}

void DecodeJobMessage(const std::string& text, Plan* plan, std::vector<ImageEntry>* images,
                      std::vector<std::int64_t>* pending) {
  const nlohmann::json message = nlohmann::json::parse(text);
  *plan = PlanFromJson(message.at("plan").get<std::string>());
  images->clear();
  for (const nlohmann::json& e : message.at("images")) {
    images->push_back(
        {e.at(0).get<std::string>(), e.at(1).get<std::string>(), e.at(2).get<std::uint64_t>()});
  }
  *pending = message.at("pending").get<std::vector<std::int64_t>>();
}

std::function<std::optional<std::int64_t>()> QueueOver(dist::Communicator& comm,
                                                       std::vector<std::int64_t> shards) {
  comm.StartWorkQueue(static_cast<std::int64_t>(shards.size()));
  auto owned = std::make_shared<std::vector<std::int64_t>>(std::move(shards));
  return [&comm, owned]() -> std::optional<std::int64_t> {
    const std::optional<std::int64_t> item = comm.NextWorkItem();
    if (!item) return std::nullopt;
    return (*owned)[*item];
  };
}

void GatherRankStats(dist::Communicator& comm, std::int64_t peak_rss_bytes,
                     report::RunSummary& summary) {
  nlohmann::json mine = {{"retries", summary.storage_retries},
                         {"rss", peak_rss_bytes},
                         {"stages", nlohmann::json::array()}};
  for (const report::StageTiming& t : summary.stages)
    mine["stages"].push_back({t.name, t.seconds, t.items});
  const std::vector<std::vector<std::byte>> all = comm.AllGather(BytesOf(mine.dump()));
  summary.ranks = comm.size();
  summary.storage_retries = 0;
  for (report::StageTiming& t : summary.stages) t.items = 0;
  for (const std::vector<std::byte>& bytes : all) {
    const nlohmann::json rank = nlohmann::json::parse(TextOf(bytes));
    summary.storage_retries += rank.at("retries").get<std::int64_t>();
    summary.peak_rss_bytes = std::max(summary.peak_rss_bytes, rank.at("rss").get<std::int64_t>());
    for (const nlohmann::json& stage : rank.at("stages")) {
      for (report::StageTiming& t : summary.stages) {
        if (t.name != stage.at(0).get<std::string>()) continue;
        t.seconds = std::max(t.seconds, stage.at(1).get<double>());
        t.items += stage.at(2).get<std::int64_t>();
      }
    }
  }
}

}  // namespace orchard::pipeline
