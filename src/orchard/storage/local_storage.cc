#include "orchard/storage/local_storage.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>
#include <utility>

#include "orchard/core/errors.h"
#include "orchard/storage/key_internal.h"

namespace fs = std::filesystem;

namespace orchard::storage {
namespace {

constexpr std::string_view kTempMarker = ".orchard-tmp-";

std::string ErrnoText(int err) { return std::error_code(err, std::generic_category()).message(); }

[[noreturn]] void ThrowErrno(const std::string& what, const fs::path& path, int err) {
  const std::string message = what + " " + path.string() + ": " + ErrnoText(err);
  if (err == ENOENT || err == ENOTDIR) throw NotFoundError(message);
  throw IoError(message);
}

// Syncs a directory so that a rename inside it survives a crash.
void SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) ThrowErrno("opening directory", dir, errno);
  const int rc = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  // Some file systems (tmpfs on old kernels, some FUSE) reject fsync on a
  // directory; the rename already happened, so only real I/O errors count.
  if (rc != 0 && err != EINVAL && err != ENOTSUP) ThrowErrno("syncing directory", dir, err);
}

class LocalOutputStream final : public OutputStream {
 public:
  LocalOutputStream(fs::path final_path, fs::path temp_path, int fd)
      : final_path_(std::move(final_path)), temp_path_(std::move(temp_path)), fd_(fd) {}

  ~LocalOutputStream() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(temp_path_.c_str());
  }

  void Append(std::span<const std::byte> data) override {
    if (fd_ < 0) throw IoError("append after Close() or a failed write: " + final_path_.string());
    const std::byte* p = data.data();
    std::size_t left = data.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        Fail("writing", errno);
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
  }

  void Close() override {
    if (fd_ < 0) throw IoError("Close() after Close() or a failed write: " + final_path_.string());
    if (::fsync(fd_) != 0) Fail("syncing", errno);
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) ThrowErrno("closing", final_path_, errno);
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
      ThrowErrno("renaming temporary file to", final_path_, errno);
    }
    committed_ = true;
    SyncDirectory(final_path_.parent_path());
  }

 private:
  // Closes the stream for good (the destructor removes the temporary) and throws.
  [[noreturn]] void Fail(const char* what, int err) {
    ::close(std::exchange(fd_, -1));
    // The message names the final path: that is what the user asked for.
    ThrowErrno(what, final_path_, err);
  }

  const fs::path final_path_;
  const fs::path temp_path_;
  int fd_;
  bool committed_ = false;
};

}  // namespace

LocalStorage::LocalStorage(const fs::path& root)
    : root_(fs::absolute(root).lexically_normal()), temp_seed_(std::random_device{}()) {}

bool LocalStorage::IsTempFileName(std::string_view file_name) {
  return file_name.starts_with('.') && file_name.find(kTempMarker) != std::string_view::npos;
}

fs::path LocalStorage::PathOf(std::string_view key) const {
  internal::ValidateKey(key);
  return root_ / fs::path(std::u8string_view(reinterpret_cast<const char8_t*>(key.data()), key.size()));
}

std::string LocalStorage::Uri(std::string_view key) const {
  std::string root = root_.string();
  if (!root.empty() && root.back() == '/') root.pop_back();
  return root + "/" + std::string(key);
}

std::vector<ObjectInfo> LocalStorage::List(std::string_view prefix) {
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) {
    if (fs::exists(root_, ec)) throw IoError("not a directory: " + root_.string());
    throw NotFoundError("input directory does not exist: " + root_.string());
  }
  // Walk only the deepest folder the prefix pins down: "train/apple/im" needs
  // only root/train/apple, not the whole tree.
  const std::size_t slash = prefix.rfind('/');
  fs::path start = root_;
  if (slash != std::string_view::npos) {
    start = root_ / fs::path(std::string(prefix.substr(0, slash)));
    if (!fs::is_directory(start, ec)) return {};
  }

  std::vector<ObjectInfo> result;
  fs::recursive_directory_iterator it(start, fs::directory_options::none, ec);
  if (ec) throw IoError("listing " + start.string() + ": " + ec.message());
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) throw IoError("listing " + start.string() + ": " + ec.message());
    const fs::directory_entry& entry = *it;
    if (!entry.is_regular_file(ec)) continue;
    if (IsTempFileName(entry.path().filename().string())) continue;
    std::string key = entry.path().lexically_relative(root_).generic_string();
    if (!key.starts_with(prefix)) continue;
    const std::uintmax_t size = entry.file_size(ec);
    if (ec) continue;  // removed while we listed
    result.push_back({std::move(key), static_cast<std::uint64_t>(size)});
  }
  if (ec) throw IoError("listing " + start.string() + ": " + ec.message());
  std::sort(result.begin(), result.end(),
            [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  return result;
}

std::vector<std::byte> LocalStorage::Read(std::string_view key) {
  const fs::path path = PathOf(key);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) ThrowErrno("reading", path, errno);
  std::vector<std::byte> data;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) data.reserve(static_cast<std::size_t>(st.st_size));
  std::byte buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ThrowErrno("reading", path, err);
    }
    data.insert(data.end(), buffer, buffer + n);
  }
  ::close(fd);
  return data;
}

std::unique_ptr<OutputStream> LocalStorage::OpenWrite(std::string_view key) {
  const fs::path path = PathOf(key);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw IoError("creating directory " + path.parent_path().string() + ": " + ec.message());
  char suffix[40];
  std::snprintf(suffix, sizeof suffix, "%016llx%08llx",
                static_cast<unsigned long long>(temp_seed_),
                static_cast<unsigned long long>(temp_counter_.fetch_add(1)));
  // Built with append(): GCC 12 warns falsely (-Wrestrict) on a chain of operator+.
  std::string temp_name(".");
  temp_name.append(path.filename().string()).append(kTempMarker).append(suffix);
  const fs::path temp = path.parent_path() / temp_name;
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) ThrowErrno("creating", temp, errno);
  return std::make_unique<LocalOutputStream>(path, temp, fd);
}

bool LocalStorage::Exists(std::string_view key) {
  const fs::path path = PathOf(key);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return S_ISREG(st.st_mode);
  if (errno == ENOENT || errno == ENOTDIR) return false;
  ThrowErrno("checking", path, errno);
}

void LocalStorage::Delete(std::string_view key) {
  const fs::path path = PathOf(key);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT && errno != ENOTDIR) {
    ThrowErrno("deleting", path, errno);
  }
}

}  // namespace orchard::storage
