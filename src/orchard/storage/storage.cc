#include "orchard/storage/storage.h"

#include <string>

#include "orchard/core/errors.h"
#include "orchard/storage/local_storage.h"
#include "orchard/storage/s3_storage.h"

namespace orchard::storage {

bool IsS3Uri(std::string_view uri) { return uri.starts_with("s3://"); }

std::unique_ptr<Storage> OpenStorage(std::string_view uri, const StorageOptions& options) {
  if (IsS3Uri(uri)) return std::make_unique<S3Storage>(ParseS3Uri(uri), options.s3);
  if (uri.empty()) throw UsageError("empty storage path");
  return std::make_unique<LocalStorage>(std::filesystem::path(std::string(uri)));
}

}  // namespace orchard::storage
