#pragma once

#include <string>

namespace orchard::model {

// SHA-256 of the whole file at `path`, as 64 lower-case hex digits (OpenSSL EVP). Reads in
// 1 MiB blocks. Throws NotFoundError if the file does not exist, IoError if reading fails.
// Thread-safe.
std::string FileSha256(const std::string& path);

}  // namespace orchard::model
