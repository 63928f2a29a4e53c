#include "orchard/model/file_sha256.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include <openssl/evp.h>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"

namespace orchard::model {
namespace {

struct DigestContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

}  // namespace

std::string FileSha256(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) throw NotFoundError(path + ": no such file");
  std::ifstream file(path, std::ios::binary);
  if (!file) throw IoError(path + ": cannot open");

  std::unique_ptr<EVP_MD_CTX, DigestContextFree> context(EVP_MD_CTX_new());
  ORCHARD_CHECK(context != nullptr, "EVP_MD_CTX_new failed");
  ORCHARD_CHECK(EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) == 1,
                "EVP_DigestInit_ex(sha256) failed");
  std::vector<char> block(1 << 20);
  while (file) {
    file.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto got = file.gcount();
    if (got > 0) {
      ORCHARD_CHECK(
          EVP_DigestUpdate(context.get(), block.data(), static_cast<std::size_t>(got)) == 1,
          "EVP_DigestUpdate failed");
    }
  }
  if (file.bad()) throw IoError(path + ": read failed");

  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  ORCHARD_CHECK(EVP_DigestFinal_ex(context.get(), digest.data(), &length) == 1,
                "EVP_DigestFinal_ex failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int index = 0; index < length; ++index) {
    hex.push_back(kHex[digest[index] >> 4]);
    hex.push_back(kHex[digest[index] & 0xf]);
  }
  return hex;
}

}  // namespace orchard::model
