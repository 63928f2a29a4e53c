#pragma once

#include <cstdint>
#include <oneapi/dnnl/dnnl.hpp>
#include <string>
#include <vector>

#include "orchard/model/model_spec.h"
#include "orchard/model/onnx_graph.h"

namespace orchard::model::internal {

// Stage 1 of the oneDNN backend: the ONNX graph, sliced to the feature output
// and fused into a list of ops. Independent of the batch and image size; the
// backend's plans (stage 2) turn a Program into oneDNN primitives.

struct Eltwise {
  dnnl::algorithm alg = dnnl::algorithm::eltwise_relu;
  float alpha = 0.0f;
  float beta = 0.0f;
};

struct PostOp {
  bool sum = false;  // residual add of `Op::sum_operand` into the output; else `eltwise`
  Eltwise eltwise;
};

enum class OpKind { kConv, kEltwise, kBinary, kPool, kGlobalAvgPool, kAlias };

struct Op {
  OpKind kind = OpKind::kAlias;
  std::string node;                 // name of the ONNX node it came from (for messages)
  std::vector<std::string> inputs;  // values read; kBinary: two; others: one
  std::string output;
  int order = 0;  // index of the last ONNX node it absorbs: ops run in this order

  // kConv
  std::vector<float> weights;  // [out, in / group, kh, kw]
  std::vector<float> bias;     // [out]
  std::int64_t out_channels = 0, in_channels = 0, group = 1;
  std::vector<std::int64_t> kernel, strides, dilations, pad_begin, pad_end;
  std::vector<PostOp> post_ops;
  std::string sum_operand;  // value added by the sum post-op, "" if none

  // kEltwise: `eltwise`; kBinary: `binary`; kPool: `pool_alg` with kernel/strides/pads above
  Eltwise eltwise;
  dnnl::algorithm binary = dnnl::algorithm::binary_add;
  dnnl::algorithm pool_alg = dnnl::algorithm::pooling_max;
};

struct Program {
  std::string input;
  std::string output;
  std::vector<Op> ops;
};

// Compiles `graph` for `spec`: slices it to spec.feature_output, folds
// BatchNormalization into the preceding Conv, fuses activations and residual
// Adds into convolutions as post-ops. Throws UsageError naming the op and node
// for an op on the way to the features that it cannot run ("use --backend
// opencv"), DataError when the graph lacks the spec's input or output.
// `describe` names the model in messages.
Program CompileOnnxGraph(OnnxGraph graph, const ModelSpec& spec, const std::string& describe);

}  // namespace orchard::model::internal
