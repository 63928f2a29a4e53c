#include "orchard/pipeline/layout.h"

#include <cstdio>

namespace orchard::pipeline {

std::string PartKey(PartKind kind, std::int64_t shard, const std::string& extension) {
  const char* folder = "";
  switch (kind) {
    case PartKind::kFeatures:
      folder = "features";
      break;
    case PartKind::kMoments:
      folder = "moments";
      break;
    case PartKind::kErrors:
      folder = "errors";
      break;
    case PartKind::kPca:
      folder = "pca";
      break;
  }
  char name[64];
  std::snprintf(name, sizeof(name), "%s/part-%05lld", folder, static_cast<long long>(shard));
  return name + extension;
}

std::string TableExtension(bool csv) { return csv ? ".csv" : ".parquet"; }

}  // namespace orchard::pipeline
