#include "orchard/pipeline/plan.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"
#include "orchard/image/image.h"

namespace orchard::pipeline {
namespace {

std::string ParentFolderName(const std::string& key) {
  const size_t slash = key.rfind('/');
  if (slash == std::string::npos) return "";
  const size_t start = key.rfind('/', slash - 1);
  return key.substr(start == std::string::npos ? 0 : start + 1,
                    start == std::string::npos ? slash : slash - start - 1);
}

class Fnv1a {
 public:
  void Add(std::string_view bytes) {
    for (unsigned char c : bytes) hash_ = (hash_ ^ c) * 1099511628211ULL;
    hash_ = (hash_ ^ 0xff) * 1099511628211ULL;  // field separator: "ab","c" != "a","bc"
  }
  std::string Hex() const {
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(hash_));
    return buf;
  }

 private:
  std::uint64_t hash_ = 14695981039346656037ULL;
};

}  // namespace

std::vector<ImageEntry> SelectImages(const std::vector<storage::ObjectInfo>& listing,
                                     const std::string& exclude_prefix, std::int64_t* num_skipped) {
  std::vector<ImageEntry> images;
  std::int64_t skipped = 0;
  for (const storage::ObjectInfo& object : listing) {
    if (!exclude_prefix.empty() && object.key.starts_with(exclude_prefix)) continue;
    if (!image::HasImageExtension(object.key)) {
      ++skipped;
      continue;
    }
    images.push_back({object.key, ParentFolderName(object.key), object.size});
  }
  std::sort(images.begin(), images.end(),
            [](const ImageEntry& a, const ImageEntry& b) { return a.key < b.key; });
  if (num_skipped != nullptr) *num_skipped = skipped;
  return images;
}

std::string PlanFingerprint(const std::vector<ImageEntry>& images, const std::string& model_name,
                            const std::string& image_size, std::int64_t shard_size) {
  Fnv1a hash;
  hash.Add(model_name);
  hash.Add(image_size);
  hash.Add(std::to_string(shard_size));
  for (const ImageEntry& image : images) {
    hash.Add(image.key);
    hash.Add(std::to_string(image.size_bytes));
  }
  return hash.Hex();
}

Plan MakePlan(const std::vector<ImageEntry>& images, const std::string& input_uri,
              const std::string& model_name, const std::string& image_size,
              std::int64_t shard_size) {
  ORCHARD_CHECK(shard_size > 0, "shard_size=" << shard_size);
  Plan plan;
  plan.input_uri = input_uri;
  plan.model_name = model_name;
  plan.image_size = image_size;
  plan.shard_size = shard_size;
  plan.num_images = static_cast<std::int64_t>(images.size());
  plan.fingerprint = PlanFingerprint(images, model_name, image_size, shard_size);
  for (std::int64_t first = 0, index = 0; first < plan.num_images; first += shard_size, ++index) {
    const std::int64_t count = std::min(shard_size, plan.num_images - first);
    plan.shards.push_back({index, first, count, images[first].key, images[first + count - 1].key});
  }
  return plan;
}

std::string PlanToJson(const Plan& plan) {
  nlohmann::ordered_json shards = nlohmann::ordered_json::array();
  for (const ShardInfo& s : plan.shards) {
    shards.push_back({{"index", s.index},
                      {"first_row", s.first_row},
                      {"count", s.count},
                      {"first_key", s.first_key},
                      {"last_key", s.last_key}});
  }
  nlohmann::ordered_json j;
  j["format_version"] = plan.format_version;
  j["orchard_version"] = plan.orchard_version;
  j["created_at"] = plan.created_at;
  j["input"] = plan.input_uri;
  j["model"] = plan.model_name;
  j["image_size"] = plan.image_size;
  j["shard_size"] = plan.shard_size;
  j["num_images"] = plan.num_images;
  j["num_skipped_files"] = plan.num_skipped_files;
  j["fingerprint"] = plan.fingerprint;
  j["shards"] = shards;
  return j.dump(2) + "\n";
}

Plan PlanFromJson(const std::string& json) {
  try {
    const nlohmann::json j = nlohmann::json::parse(json);
    Plan plan;
    plan.format_version = j.at("format_version").get<int>();
    if (plan.format_version != 1) {
      throw DataError("plan.json has format_version " + std::to_string(plan.format_version) +
                      "; this orchard reads version 1");
    }
    plan.orchard_version = j.at("orchard_version").get<std::string>();
    plan.created_at = j.at("created_at").get<std::string>();
    plan.input_uri = j.at("input").get<std::string>();
    plan.model_name = j.at("model").get<std::string>();
    plan.image_size = j.at("image_size").get<std::string>();
    plan.shard_size = j.at("shard_size").get<std::int64_t>();
    plan.num_images = j.at("num_images").get<std::int64_t>();
    plan.num_skipped_files = j.at("num_skipped_files").get<std::int64_t>();
    plan.fingerprint = j.at("fingerprint").get<std::string>();
    std::int64_t expected_first = 0;
    for (const nlohmann::json& s : j.at("shards")) {
      ShardInfo info{s.at("index").get<std::int64_t>(), s.at("first_row").get<std::int64_t>(),
                     s.at("count").get<std::int64_t>(), s.at("first_key").get<std::string>(),
                     s.at("last_key").get<std::string>()};
      if (info.index != static_cast<std::int64_t>(plan.shards.size()) ||
          info.first_row != expected_first || info.count <= 0) {
        throw DataError("plan.json: shard " + std::to_string(plan.shards.size()) +
                        " is inconsistent");
      }
      expected_first += info.count;
      plan.shards.push_back(std::move(info));
    }
    if (expected_first != plan.num_images) throw DataError("plan.json: shard counts do not add up");
    return plan;
  } catch (const nlohmann::json::exception& e) {
    throw DataError(std::string("plan.json is not a valid orchard plan: ") + e.what());
  }
}

std::vector<ImageEntry> ShardImages(const Plan& plan, const std::vector<ImageEntry>& images,
                                    std::int64_t shard) {
  ORCHARD_CHECK(shard >= 0 && shard < static_cast<std::int64_t>(plan.shards.size()),
                "shard " << shard);
  const ShardInfo& info = plan.shards[shard];
  ORCHARD_CHECK(info.first_row + info.count <= static_cast<std::int64_t>(images.size()));
  return {images.begin() + info.first_row, images.begin() + info.first_row + info.count};
}

}  // namespace orchard::pipeline
