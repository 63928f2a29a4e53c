#include "orchard/model/onednn_program_internal.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"

namespace orchard::model::internal {
namespace {

using dnnl::algorithm;

class GraphCompiler {
 public:
  GraphCompiler(OnnxGraph graph, const ModelSpec& spec, std::string describe)
      : graph_(std::move(graph)), spec_(spec), describe_(std::move(describe)) {}

  Program Compile() {
    for (const OnnxNode& node : graph_.nodes) {
      if (node.op_type == "Constant") {
        const OnnxAttribute* value = node.Find("value");
        if (value == nullptr || value->tensors.size() != 1 || node.outputs.size() != 1) {
          Unsupported(node, "a Constant without a tensor `value`");
        }
        OnnxTensor tensor = value->tensors[0];
        tensor.name = node.outputs[0];
        graph_.constants[tensor.name] = std::move(tensor);
      }
      // torch.onnx writes Identity nodes for de-duplicated constants: their output is a constant.
      if (node.op_type == "Identity" && node.inputs.size() == 1 && node.outputs.size() == 1 &&
          Constant(node.inputs[0]) != nullptr) {
        OnnxTensor tensor = *Constant(node.inputs[0]);
        tensor.name = node.outputs[0];
        graph_.constants[tensor.name] = std::move(tensor);
      }
      for (std::size_t index = 0; index < node.outputs.size(); ++index) {
        producer_[node.outputs[index]] = &node - graph_.nodes.data();
      }
    }
    if (std::find(graph_.inputs.begin(), graph_.inputs.end(), spec_.input_name) ==
            graph_.inputs.end() ||
        graph_.constants.count(spec_.input_name) != 0) {
      throw DataError(describe_ + ": the graph has no input \"" + spec_.input_name + "\"");
    }
    if (producer_.count(spec_.feature_output) == 0) {
      throw DataError(describe_ + ": no node of the graph produces the output \"" +
                      spec_.feature_output + "\"");
    }
    MarkNeeded();
    for (std::size_t index = 0; index < graph_.nodes.size(); ++index) {
      if (!needed_[index]) continue;
      for (const std::string& input : graph_.nodes[index].inputs) {
        if (!input.empty()) consumers_[input].push_back(static_cast<int>(index));
      }
    }

    Program program;
    program.input = spec_.input_name;
    program.output = spec_.feature_output;
    absorbed_.assign(graph_.nodes.size(), false);
    for (std::size_t index = 0; index < graph_.nodes.size(); ++index) {
      if (!needed_[index] || absorbed_[index]) continue;
      const OnnxNode& node = graph_.nodes[index];
      if (node.op_type == "Constant") continue;
      if (node.op_type == "Identity" && Constant(node.outputs.at(0)) != nullptr) continue;
      if (!node.domain.empty() && node.domain != "ai.onnx") Unsupported(node, "its domain");
      Op op = Translate(node, static_cast<int>(index));
      program.ops.push_back(std::move(op));
    }
    std::stable_sort(program.ops.begin(), program.ops.end(),
                     [](const Op& a, const Op& b) { return a.order < b.order; });
    return program;
  }

 private:
  // Marks the nodes the feature output depends on; nothing else (a classifier head) is compiled.
  void MarkNeeded() {
    needed_.assign(graph_.nodes.size(), false);
    std::vector<std::string> pending = {spec_.feature_output};
    std::set<std::string> seen;
    while (!pending.empty()) {
      const std::string value = pending.back();
      pending.pop_back();
      if (!seen.insert(value).second) continue;
      const auto found = producer_.find(value);
      if (found == producer_.end()) continue;  // graph input or initializer
      needed_[found->second] = true;
      for (const std::string& input : graph_.nodes[found->second].inputs) {
        if (!input.empty()) pending.push_back(input);
      }
    }
  }

  [[noreturn]] void Unsupported(const OnnxNode& node, const std::string& what) const {
    throw UsageError(describe_ + ": the oneDNN backend cannot run ONNX op " + node.op_type +
                     " (node \"" + node.name + "\", " + what + "); use --backend opencv");
  }

  const OnnxTensor* Constant(const std::string& name) const {
    const auto found = graph_.constants.find(name);
    return found == graph_.constants.end() ? nullptr : &found->second;
  }

  // The only needed consumer of `value`, or nullptr; never past the feature output.
  const OnnxNode* SoleConsumer(const std::string& value) const {
    if (value == spec_.feature_output) return nullptr;
    const auto found = consumers_.find(value);
    if (found == consumers_.end() || found->second.size() != 1) return nullptr;
    return &graph_.nodes[found->second[0]];
  }

  int IndexOf(const OnnxNode* node) const { return static_cast<int>(node - graph_.nodes.data()); }

  // A scalar float constant input (Clip bounds, Add/Mul/Sub by a constant); nullopt-like via bool.
  bool ScalarConstant(const std::string& name, float& value) const {
    const OnnxTensor* tensor = Constant(name);
    if (tensor == nullptr || tensor->element_count() != 1 || tensor->floats.size() != 1) {
      return false;
    }
    value = tensor->floats[0];
    return true;
  }

  // Relu, Clip, Sigmoid as an eltwise; false for any other node.
  bool AsEltwise(const OnnxNode& node, Eltwise& eltwise) const {
    if (node.op_type == "Relu") {
      eltwise = {algorithm::eltwise_relu, 0.0f, 0.0f};
      return true;
    }
    if (node.op_type == "Sigmoid") {
      eltwise = {algorithm::eltwise_logistic, 0.0f, 0.0f};
      return true;
    }
    if (node.op_type == "Clip") {
      float low = -std::numeric_limits<float>::max();
      float high = std::numeric_limits<float>::max();
      if (graph_.opset >= 11) {
        if (node.inputs.size() > 1 && !node.inputs[1].empty() &&
            !ScalarConstant(node.inputs[1], low)) {
          Unsupported(node, "a non-constant min");
        }
        if (node.inputs.size() > 2 && !node.inputs[2].empty() &&
            !ScalarConstant(node.inputs[2], high)) {
          Unsupported(node, "a non-constant max");
        }
      } else {
        low = node.Float("min", low);
        high = node.Float("max", high);
      }
      eltwise = {algorithm::eltwise_clip, low, high};
      return true;
    }
    return false;
  }

  // x * Sigmoid(x) (SiLU / Swish as torch exports it at opset < 14) starting at value `x`:
  // returns the Mul whose output is swish(x), marking both nodes absorbed, or nullptr.
  const OnnxNode* MatchSwish(const std::string& x) {
    if (x == spec_.feature_output) return nullptr;
    const auto found = consumers_.find(x);
    if (found == consumers_.end() || found->second.size() != 2) return nullptr;
    const OnnxNode* sigmoid = nullptr;
    const OnnxNode* mul = nullptr;
    for (int index : found->second) {
      const OnnxNode& node = graph_.nodes[index];
      if (node.op_type == "Sigmoid") sigmoid = &node;
      if (node.op_type == "Mul") mul = &node;
    }
    if (sigmoid == nullptr || mul == nullptr || SoleConsumer(sigmoid->outputs[0]) != mul) {
      return nullptr;
    }
    const auto& in = mul->inputs;
    if (in.size() != 2 || !((in[0] == x && in[1] == sigmoid->outputs[0]) ||
                            (in[1] == x && in[0] == sigmoid->outputs[0]))) {
      return nullptr;
    }
    absorbed_[IndexOf(sigmoid)] = true;
    absorbed_[IndexOf(mul)] = true;
    return mul;
  }

  Op Translate(const OnnxNode& node, int index) {
    Op op;
    op.node = node.name;
    op.order = index;
    if (node.outputs.empty()) Unsupported(node, "no output");
    op.output = node.outputs[0];
    const std::string& type = node.op_type;
    if (type == "Conv") {
      TranslateConv(node, op);
    } else if (AsEltwise(node, op.eltwise)) {
      op.kind = OpKind::kEltwise;
      op.inputs = {node.inputs.at(0)};
    } else if (type == "Add" || type == "Mul" || type == "Sub") {
      TranslateArithmetic(node, op);
    } else if (type == "GlobalAveragePool") {
      op.kind = OpKind::kGlobalAvgPool;
      op.inputs = {node.inputs.at(0)};
    } else if (type == "MaxPool" || type == "AveragePool") {
      TranslatePool(node, op);
    } else if (type == "Flatten" || type == "Identity" || type == "Dropout") {
      if (type == "Flatten" && node.Int("axis", 1) != 1) Unsupported(node, "axis other than 1");
      if (type == "Flatten" && node.outputs[0] != spec_.feature_output) {
        Unsupported(node, "Flatten before the feature output");
      }
      op.kind = OpKind::kAlias;
      op.inputs = {node.inputs.at(0)};
    } else {
      Unsupported(node, "not implemented");
    }
    for (const std::string& input : op.inputs) {
      if (Constant(input) != nullptr)
        Unsupported(node, "a constant tensor input \"" + input + "\"");
    }
    return op;
  }

  void TranslateArithmetic(const OnnxNode& node, Op& op) {
    if (node.inputs.size() != 2) Unsupported(node, "not two inputs");
    float scalar = 0.0f;
    const bool constant0 = Constant(node.inputs[0]) != nullptr;
    const bool constant1 = Constant(node.inputs[1]) != nullptr;
    if (constant0 || constant1) {
      // x + c, x * c, x - c, c - x with a scalar c: one eltwise_linear (alpha * x + beta).
      if (constant0 && constant1) Unsupported(node, "two constant inputs");
      const std::string& constant = constant0 ? node.inputs[0] : node.inputs[1];
      if (!ScalarConstant(constant, scalar)) Unsupported(node, "a non-scalar constant operand");
      op.kind = OpKind::kEltwise;
      op.inputs = {constant0 ? node.inputs[1] : node.inputs[0]};
      if (node.op_type == "Add") op.eltwise = {algorithm::eltwise_linear, 1.0f, scalar};
      if (node.op_type == "Mul") op.eltwise = {algorithm::eltwise_linear, scalar, 0.0f};
      if (node.op_type == "Sub") {
        op.eltwise = constant1 ? Eltwise{algorithm::eltwise_linear, 1.0f, -scalar}
                               : Eltwise{algorithm::eltwise_linear, -1.0f, scalar};
      }
      return;
    }
    op.kind = OpKind::kBinary;
    op.inputs = node.inputs;
    op.binary = node.op_type == "Add"   ? algorithm::binary_add
                : node.op_type == "Mul" ? algorithm::binary_mul
                                        : algorithm::binary_sub;
  }

  void TranslatePool(const OnnxNode& node, Op& op) {
    const std::string auto_pad = node.Find("auto_pad") ? node.Find("auto_pad")->s : "NOTSET";
    if (auto_pad != "NOTSET") Unsupported(node, "auto_pad " + auto_pad);
    if (node.Int("ceil_mode", 0) != 0) Unsupported(node, "ceil_mode 1");
    for (std::int64_t d : node.Ints("dilations")) {
      if (d != 1) Unsupported(node, "dilation");
    }
    if (node.outputs.size() > 1 && !node.outputs[1].empty()) Unsupported(node, "an Indices output");
    op.kind = OpKind::kPool;
    op.inputs = {node.inputs.at(0)};
    op.kernel = node.Ints("kernel_shape");
    if (op.kernel.size() != 2) Unsupported(node, "a kernel that is not 2-D");
    SpatialAttributes(node, op);
    op.pool_alg = node.op_type == "MaxPool"               ? algorithm::pooling_max
                  : node.Int("count_include_pad", 0) != 0 ? algorithm::pooling_avg_include_padding
                                                          : algorithm::pooling_avg_exclude_padding;
  }

  void SpatialAttributes(const OnnxNode& node, Op& op) const {
    op.strides = node.Ints("strides");
    if (op.strides.empty()) op.strides = {1, 1};
    op.dilations = node.Ints("dilations");
    if (op.dilations.empty()) op.dilations = {1, 1};
    const std::vector<std::int64_t> pads = node.Ints("pads");
    if (pads.empty()) {
      op.pad_begin = {0, 0};
      op.pad_end = {0, 0};
    } else if (pads.size() == 4) {
      op.pad_begin = {pads[0], pads[1]};
      op.pad_end = {pads[2], pads[3]};
    } else {
      Unsupported(node, "pads that are not 2-D");
    }
    if (op.strides.size() != 2 || op.dilations.size() != 2) Unsupported(node, "not 2-D");
  }

  void TranslateConv(const OnnxNode& node, Op& op) {
    op.kind = OpKind::kConv;
    if (node.inputs.size() < 2) Unsupported(node, "no weights");
    const OnnxTensor* weights = Constant(node.inputs[1]);
    if (weights == nullptr || weights->floats.empty()) Unsupported(node, "non-constant weights");
    if (weights->dims.size() != 4) Unsupported(node, "weights that are not 4-D (a 2-D conv)");
    const std::string auto_pad = node.Find("auto_pad") ? node.Find("auto_pad")->s : "NOTSET";
    if (auto_pad != "NOTSET") Unsupported(node, "auto_pad " + auto_pad);
    op.inputs = {node.inputs[0]};
    op.out_channels = weights->dims[0];
    op.group = node.Int("group", 1);
    op.in_channels = weights->dims[1] * op.group;
    op.kernel = {weights->dims[2], weights->dims[3]};
    op.weights = weights->floats;
    op.bias.assign(op.out_channels, 0.0f);
    if (node.inputs.size() > 2 && !node.inputs[2].empty()) {
      const OnnxTensor* bias = Constant(node.inputs[2]);
      if (bias == nullptr || bias->floats.size() != static_cast<std::size_t>(op.out_channels)) {
        Unsupported(node, "a bias that is not a constant of one value per output channel");
      }
      op.bias = bias->floats;
    }
    SpatialAttributes(node, op);

    // Absorb what follows: BatchNormalization, activations, one residual Add (+ activations).
    std::string value = op.output;
    while (true) {
      const OnnxNode* next = SoleConsumer(value);
      if (next != nullptr && absorbed_[IndexOf(next)]) break;  // fused into another conv already
      Eltwise eltwise;
      if (next != nullptr && next->op_type == "BatchNormalization" && op.post_ops.empty() &&
          FoldBatchNorm(*next, op)) {
      } else if (next != nullptr && AsEltwise(*next, eltwise)) {
        op.post_ops.push_back({false, eltwise});
      } else if (const OnnxNode* mul = MatchSwish(value); mul != nullptr) {
        op.post_ops.push_back({false, {algorithm::eltwise_swish, 1.0f, 0.0f}});
        value = mul->outputs[0];
        op.order = IndexOf(mul);
        continue;
      } else if (next != nullptr && next->op_type == "Add" && op.sum_operand.empty() &&
                 next->inputs.size() == 2) {
        const std::string& other = next->inputs[0] == value ? next->inputs[1] : next->inputs[0];
        if (Constant(other) != nullptr || other == value) break;
        op.sum_operand = other;
        op.post_ops.push_back({true, {}});
      } else {
        break;
      }
      absorbed_[IndexOf(next)] = true;
      value = next->outputs[0];
      op.order = IndexOf(next);
    }
    op.output = value;
  }

  // Folds an inference BatchNormalization into the conv's weights and bias; false (not folded)
  // when its parameters are not constants.
  bool FoldBatchNorm(const OnnxNode& norm, Op& op) const {
    if (norm.inputs.size() < 5) return false;
    const OnnxTensor* scale = Constant(norm.inputs[1]);
    const OnnxTensor* shift = Constant(norm.inputs[2]);
    const OnnxTensor* mean = Constant(norm.inputs[3]);
    const OnnxTensor* variance = Constant(norm.inputs[4]);
    const auto channels = static_cast<std::size_t>(op.out_channels);
    for (const OnnxTensor* t : {scale, shift, mean, variance}) {
      if (t == nullptr || t->floats.size() != channels) return false;
    }
    const float epsilon = norm.Float("epsilon", 1e-5f);
    const std::size_t per_channel = op.weights.size() / channels;
    for (std::size_t c = 0; c < channels; ++c) {
      const double factor = scale->floats[c] / std::sqrt(double{variance->floats[c]} + epsilon);
      for (std::size_t k = 0; k < per_channel; ++k) {
        op.weights[c * per_channel + k] =
            static_cast<float>(op.weights[c * per_channel + k] * factor);
      }
      op.bias[c] = static_cast<float>((op.bias[c] - mean->floats[c]) * factor + shift->floats[c]);
    }
    return true;
  }

  OnnxGraph graph_;
  const ModelSpec& spec_;
  const std::string describe_;
  std::unordered_map<std::string, std::ptrdiff_t> producer_;
  std::unordered_map<std::string, std::vector<int>> consumers_;
  std::vector<bool> needed_;
  std::vector<bool> absorbed_;
};

}  // namespace

Program CompileOnnxGraph(OnnxGraph graph, const ModelSpec& spec, const std::string& describe) {
  return GraphCompiler(std::move(graph), spec, describe).Compile();
}

}  // namespace orchard::model::internal
