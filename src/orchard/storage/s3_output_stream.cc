#include <string>
#include <utility>
#include <vector>

#include "orchard/core/errors.h"
#include "orchard/storage/s3_storage_internal.h"
#include "orchard/storage/s3_xml_internal.h"

namespace orchard::storage {
namespace {

using internal::HttpResponse;

// Buffers up to one part. Below the part size the object goes up in a single
// PUT on Close(); once a part fills, a multipart upload starts and each full
// part is sent as it fills, so memory stays at one part whatever the size.
// Nothing is visible under the key until PutObject or
// CompleteMultipartUpload succeeds; the destructor aborts an unfinished
// upload so S3 does not keep (and bill) orphaned parts.
class S3OutputStream final : public OutputStream {
 public:
  S3OutputStream(S3Storage::Impl& impl, std::string object_key, std::string uri)
      : impl_(impl),
        object_key_(std::move(object_key)),
        uri_(std::move(uri)),
        part_size_(impl.options().multipart_part_size_bytes) {}

  ~S3OutputStream() override {
    if (upload_id_.empty() || completed_) return;
    try {
      Abort();
    } catch (...) {
      // Destructors must not throw. An upload left behind holds no object
      // under the key; a bucket lifecycle rule removes it eventually.
    }
  }

  void Append(std::span<const std::byte> data) override {
    if (state_ != State::kOpen) throw IoError("append to a closed or failed S3 stream: " + uri_);
    buffer_.insert(buffer_.end(), data.begin(), data.end());
    while (buffer_.size() >= part_size_) {
      Guarded([&] {
        if (upload_id_.empty()) Create();
        UploadPart(std::span(buffer_).first(part_size_));
      });
      buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(part_size_));
    }
  }

  void Close() override {
    if (state_ != State::kOpen) throw IoError("Close() on a closed or failed S3 stream: " + uri_);
    Guarded([&] {
      if (upload_id_.empty()) {
        Put();
      } else {
        if (!buffer_.empty()) UploadPart(buffer_);
        Complete();
      }
    });
    state_ = State::kClosed;
    buffer_.clear();
    buffer_.shrink_to_fit();
  }

 private:
  enum class State { kOpen, kClosed, kFailed };

  // A failed request leaves the stream failed: later parts cannot be trusted
  // to line up, so the upload is aborted on destruction.
  template <typename Fn>
  void Guarded(Fn&& fn) {
    try {
      fn();
    } catch (...) {
      state_ = State::kFailed;
      throw;
    }
  }

  void Put() {
    const HttpResponse response = impl_.Execute({"PUT", object_key_, {}, {}, buffer_}, uri_);
    if (response.status != 200) impl_.ThrowError(response, "PUT", uri_);
  }

  void Create() {
    const HttpResponse response =
        impl_.Execute({"POST", object_key_, {{"uploads", ""}}, {}, {}}, uri_);
    if (response.status != 200) impl_.ThrowError(response, "CreateMultipartUpload", uri_);
    upload_id_ = internal::XmlText(response.BodyText(), "UploadId").value_or("");
    if (upload_id_.empty()) throw IoError("CreateMultipartUpload " + uri_ + " returned no UploadId");
  }

  void UploadPart(std::span<const std::byte> data) {
    const int number = static_cast<int>(etags_.size()) + 1;
    const HttpResponse response = impl_.Execute(
        {"PUT", object_key_, {{"partNumber", std::to_string(number)}, {"uploadId", upload_id_}}, {},
         data},
        uri_);
    if (response.status != 200) impl_.ThrowError(response, "UploadPart", uri_);
    std::string etag = response.Header("etag");
    if (etag.empty()) throw IoError("UploadPart " + uri_ + " returned no ETag");
    etags_.push_back(std::move(etag));
  }

  void Complete() {
    std::string xml = "<CompleteMultipartUpload>";
    for (std::size_t i = 0; i < etags_.size(); ++i) {
      xml += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
             internal::XmlEscape(etags_[i]) + "</ETag></Part>";
    }
    xml += "</CompleteMultipartUpload>";
    const HttpResponse response = impl_.Execute(
        {"POST", object_key_, {{"uploadId", upload_id_}}, {}, std::as_bytes(std::span(xml))}, uri_);
    // S3 may answer 200 and still report an error in the body, so look at both.
    const std::string body = response.BodyText();
    if (response.status != 200 || body.find("<Error>") != std::string::npos) {
      impl_.ThrowError(response, "CompleteMultipartUpload", uri_);
    }
    completed_ = true;
  }

  void Abort() {
    const HttpResponse response =
        impl_.Execute({"DELETE", object_key_, {{"uploadId", upload_id_}}, {}, {}}, uri_);
    if (response.status != 204 && response.status != 200 && response.status != 404) {
      impl_.ThrowError(response, "AbortMultipartUpload", uri_);
    }
  }

  S3Storage::Impl& impl_;
  const std::string object_key_;
  const std::string uri_;
  const std::size_t part_size_;
  std::vector<std::byte> buffer_;
  std::string upload_id_;
  std::vector<std::string> etags_;
  State state_ = State::kOpen;
  bool completed_ = false;
};

}  // namespace

std::unique_ptr<OutputStream> NewS3OutputStream(S3Storage::Impl& impl, std::string object_key,
                                                std::string uri) {
  return std::make_unique<S3OutputStream>(impl, std::move(object_key), std::move(uri));
}

}  // namespace orchard::storage
