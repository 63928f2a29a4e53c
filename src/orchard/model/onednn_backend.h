#pragma once

#include <memory>

#include "orchard/model/backend.h"
#include "orchard/model/model_lookup.h"
#include "orchard/model/opencv_dnn_backend.h"  // BackendOptions

namespace orchard::model {

// Settings only the oneDNN backend has, on top of BackendOptions.
struct OneDnnOptions {
  // Largest batch run in one pass: Forward splits larger n into chunks of at most this many images.
  // Compiled plans are cached per (batch, height, width); a few are kept.
  int max_batch = 8;
  // Run convolutions in bfloat16 (weights and activations; accumulation, bias and the pooled
  // features stay fp32). Needs a CPU with AVX-512 BF16 / AMX; UsageError otherwise. Features then
  // differ from fp32 by up to ~5% (relative L2 per image, MobileNetV2; docs/models.md has the
  // measured bounds): check the downstream accuracy before using it.
  bool bf16 = false;
};

// A Backend running `model` on oneDNN (CPU), the library PyTorch uses on CPU.
// The ONNX graph is read by orchard's own reader (onnx_graph.h), sliced to what the spec's
// feature_output needs (a classifier head after it is never run) and compiled into oneDNN
// primitives: BatchNormalization is folded into the preceding Conv; the activation that follows a
// Conv (Relu, Clip, Sigmoid, x*Sigmoid(x)) and a residual Add are fused into it as post-ops; the
// activations stay in oneDNN's blocked layouts. Supported ops: Conv, BatchNormalization, Relu, Clip,
// Sigmoid, Mul, Add, Sub, MaxPool, AveragePool, GlobalAveragePool, Flatten, Identity, Dropout.
// options.num_threads > 0 sets the OpenMP threads of this backend's passes (set on the calling
// thread before each pass, so two workers can each use their own count); 0 leaves OpenMP's default.
// fixed_batch in the spec is ignored: the compiled graph takes any batch size.
// Throws UsageError naming the op for a graph with an op it cannot run ("use --backend opencv"),
// DataError if the file is not a usable ONNX model for this spec (unreadable protobuf, no such
// input/output, feature_dim mismatch, all found by one probe pass at the spec's input size).
// NOT thread-safe: one per worker.
std::unique_ptr<Backend> OneDnnBackend(const ResolvedModel& model, const BackendOptions& options,
                                       const OneDnnOptions& onednn_options);
std::unique_ptr<Backend> OneDnnBackend(const ResolvedModel& model, const BackendOptions& options);

// True when this CPU runs oneDNN's bf16 kernels natively (AVX-512 BF16 or AMX).
bool OneDnnSupportsBf16();

}  // namespace orchard::model
