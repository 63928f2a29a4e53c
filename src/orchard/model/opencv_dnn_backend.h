#pragma once

#include <memory>

#include "orchard/model/backend.h"
#include "orchard/model/model_lookup.h"

namespace orchard::model {

struct BackendOptions {
  // Threads OpenCV may use inside one forward pass. > 0 calls cv::setNumThreads(num_threads),
  // which is PROCESS-WIDE in OpenCV: it sizes the one pool shared by every backend (and every other
  // OpenCV call) in the process, and the last backend created wins. Give all backends of a run the
  // same value, typically 1 with one backend per worker thread, or T with a single worker.
  // 0 leaves OpenCV's current setting alone (its default uses every core).
  int num_threads = 1;
};

// A Backend running `model` with OpenCV DNN (CPU). Loads the ONNX file and runs one probe forward
// pass on zeros at the spec's input size, so that a wrong input/output name or feature_dim fails
// here, before any image is read. A spec with fixed_batch B is run B images at a time, the last
// group padded with zeros; the padding never reaches the caller.
// Throws DataError if the file is not a usable ONNX model for this spec (the message names the
// model, the file and OpenCV's reason). The result is NOT thread-safe: one per worker.
std::unique_ptr<Backend> OpenCvDnnBackend(const ResolvedModel& model,
                                          const BackendOptions& options);

}  // namespace orchard::model
