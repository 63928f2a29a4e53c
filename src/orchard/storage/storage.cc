#include "orchard/storage/storage.h"

#include <string>

#include "orchard/core/errors.h"
#include "orchard/storage/local_storage.h"

namespace orchard::storage {

bool IsS3Uri(std::string_view uri) { return uri.starts_with("s3://"); }

std::unique_ptr<Storage> OpenStorage(std::string_view uri, const StorageOptions& options) {
  (void)options;
  if (IsS3Uri(uri)) throw UsageError("S3 storage is not available yet: " + std::string(uri));
  if (uri.empty()) throw UsageError("empty storage path");
  return std::make_unique<LocalStorage>(std::filesystem::path(std::string(uri)));
}

}  // namespace orchard::storage
