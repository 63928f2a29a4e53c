#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "orchard/storage/storage.h"

namespace orchard::pipeline {

// One image of the input: its key (relative to the input root, which is also
// what the `path` column holds) and its label (the parent folder's name).
struct ImageEntry {
  std::string key;
  std::string label;
  std::uint64_t size_bytes = 0;
};

struct ShardInfo {
  std::int64_t index = 0;
  std::int64_t first_row = 0;  // position of its first image in the sorted listing
  std::int64_t count = 0;
  std::string first_key;
  std::string last_key;
};

// What every stage on every machine agrees on: written once as OUT/plan.json.
struct Plan {
  int format_version = 1;
  std::string input_uri;
  std::string model_name;
  std::string image_size;  // "224x224" or "native"
  std::int64_t shard_size = 0;
  std::int64_t num_images = 0;
  std::int64_t num_skipped_files = 0;  // listed objects that are not images by extension
  std::string fingerprint;             // of the listing and the settings above; see PlanFingerprint
  std::string created_at;
  std::string orchard_version;
  std::vector<ShardInfo> shards;
};

// Keeps the image files of `listing` (by extension), sorted by key, with
// labels from their parent folder. Objects under `exclude_prefix` (the output,
// when it lies inside the input) are left out; empty = none.
std::vector<ImageEntry> SelectImages(const std::vector<storage::ObjectInfo>& listing,
                                     const std::string& exclude_prefix, std::int64_t* num_skipped);

// Cuts `images` into shards of `shard_size` and fills every field but
// created_at/orchard_version. REQUIRES: shard_size > 0.
Plan MakePlan(const std::vector<ImageEntry>& images, const std::string& input_uri,
              const std::string& model_name, const std::string& image_size,
              std::int64_t shard_size);

// A stable 64-bit FNV-1a hash (hex) of every key and size plus the settings
// that change features: the same input and settings give the same value on
// every machine, so a rerun against changed input is detected.
std::string PlanFingerprint(const std::vector<ImageEntry>& images, const std::string& model_name,
                            const std::string& image_size, std::int64_t shard_size);

std::string PlanToJson(const Plan& plan);
// Throws DataError naming the problem when `json` is not a plan of this format.
Plan PlanFromJson(const std::string& json);

// The images of one shard. REQUIRES: shard belongs to plan built from images.
std::vector<ImageEntry> ShardImages(const Plan& plan, const std::vector<ImageEntry>& images,
                                    std::int64_t shard);

}  // namespace orchard::pipeline
