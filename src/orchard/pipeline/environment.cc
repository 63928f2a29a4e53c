#include "orchard/pipeline/environment.h"

namespace orchard::pipeline {

storage::StorageOptions Environment::StorageOptionsFrom(
    const std::function<std::optional<std::string>(const std::string&)>& getenv) const {
  storage::StorageOptions options;
  options.s3 = storage::S3OptionsFromEnvironment(getenv);
  return options;
}

}  // namespace orchard::pipeline
