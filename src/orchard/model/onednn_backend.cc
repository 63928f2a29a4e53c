#include "orchard/model/onednn_backend.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>

#include "orchard/core/check.h"
#include "orchard/core/errors.h"
#include "orchard/model/forward_checks.h"
#include "orchard/model/onednn_program_internal.h"
#include "orchard/model/onnx_graph.h"

namespace orchard::model {
namespace {

using dnnl::algorithm;
using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

constexpr int kChannels = 3;
constexpr std::size_t kMaxCachedPlans = 4;

// Stage 1 (the graph compiled to a Program) is in onednn_program_internal.{h,cc}.
using internal::Eltwise;
using internal::Op;
using internal::OpKind;
using internal::PostOp;
using internal::Program;

// ---------------------------------------------------------------------------------------------
// Stage 2: a plan for one (batch, height, width): oneDNN primitives, their memories and weights.

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

class Plan {
 public:
  Plan(const Program& program, const dnnl::engine& engine, dnnl::stream& stream, int n, int height,
       int width, bool bf16, const std::string& describe)
      : engine_(engine), describe_(describe), activation_type_(bf16 ? dt::bf16 : dt::f32) {
    Build(program, stream, n, height, width);
  }

  std::int64_t output_size() const { return output_elements_; }

  void Execute(dnnl::stream& stream, const float* images, float* features) {
    try {
      input_memory_.set_data_handle(const_cast<float*>(images));  // only read
      output_memory_.set_data_handle(features);
      for (Step& step : steps_) step.primitive.execute(stream, step.args);
      stream.wait();
    } catch (const dnnl::error& e) {
      throw DataError(describe_ + ": oneDNN forward pass failed: " + e.what());
    }
  }

 private:
  struct Value {
    memory::desc desc;
    memory::dims dims;
    int buffer = -1;       // -1: the caller's input
    int last_use = -1;     // index of the last op reading it
  };
  struct Buffer {
    std::size_t bytes = 0;
    int users = 0;
  };
  struct PendingStep {
    dnnl::primitive primitive;
    std::vector<std::pair<int, int>> value_args;  // (DNNL_ARG_*, value id)
    std::unordered_map<int, memory> fixed_args;   // weights, bias, caller memories
  };
  struct Step {
    dnnl::primitive primitive;
    std::unordered_map<int, memory> args;
  };

  [[noreturn]] void Fail(const Op& op, const std::string& what) const {
    throw DataError(describe_ + ": node \"" + op.node + "\": " + what);
  }

  int NewValue(const memory::desc& desc, const memory::dims& dims) {
    values_.push_back({desc, dims, -1, -1});
    return static_cast<int>(values_.size()) - 1;
  }

  // Gives value `id` a buffer: reuses a free one (the smallest that fits) or adds one.
  void Allocate(int id) {
    const std::size_t bytes = values_[id].desc.get_size();
    int best = -1;
    for (int index : free_buffers_) {
      if (best < 0 || (buffers_[index].bytes >= bytes && buffers_[best].bytes < bytes) ||
          (buffers_[index].bytes >= bytes && buffers_[index].bytes < buffers_[best].bytes)) {
        best = index;
      }
    }
    if (best < 0) {
      buffers_.push_back({bytes, 0});
      best = static_cast<int>(buffers_.size()) - 1;
    } else {
      free_buffers_.erase(best);
      buffers_[best].bytes = std::max(buffers_[best].bytes, bytes);
    }
    Share(id, best);
  }

  void Share(int id, int buffer) {
    values_[id].buffer = buffer;
    ++buffers_[buffer].users;
  }

  void Release(int id) {
    const int buffer = values_[id].buffer;
    if (buffer < 0) return;
    if (--buffers_[buffer].users == 0) free_buffers_.insert(buffer);
  }

  // The value `id` in layout `desc`: itself, or a reordered copy (released after the op).
  int InLayout(int id, const memory::desc& desc, std::vector<int>& temporaries) {
    if (values_[id].desc == desc) return id;
    const int copy = NewValue(desc, values_[id].dims);
    Allocate(copy);
    temporaries.push_back(copy);
    PendingStep step{dnnl::reorder(dnnl::reorder::primitive_desc(engine_, values_[id].desc,
                                                                  engine_, desc)),
                     {{DNNL_ARG_FROM, id}, {DNNL_ARG_TO, copy}},
                     {}};
    pending_.push_back(std::move(step));
    return copy;
  }

  memory Constant(const memory::desc& user_desc, const memory::desc& desc, const float* data,
                  dnnl::stream& stream) {
    memory user(user_desc, engine_, const_cast<float*>(data));
    if (user_desc == desc) {
      memory owned(desc, engine_);
      std::copy_n(data, user_desc.get_size() / sizeof(float), static_cast<float*>(owned.get_data_handle()));
      return owned;
    }
    memory owned(desc, engine_);
    dnnl::reorder(user, owned).execute(stream, user, owned);
    stream.wait();
    return owned;
  }

  void Build(const Program& program, dnnl::stream& stream, int n, int height, int width) {
    std::unordered_map<std::string, int> ids;
    const memory::dims input_dims = {n, kChannels, height, width};
    const int input = NewValue(memory::desc(input_dims, dt::f32, tag::nchw), input_dims);
    ids[program.input] = input;

    // Last reader of each named value, by op index.
    std::unordered_map<std::string, int> last_use;
    for (std::size_t index = 0; index < program.ops.size(); ++index) {
      const Op& op = program.ops[index];
      for (const std::string& name : op.inputs) last_use[name] = static_cast<int>(index);
      if (!op.sum_operand.empty()) last_use[op.sum_operand] = static_cast<int>(index);
    }
    last_use[program.output] = std::numeric_limits<int>::max();

    auto lookup = [&](const Op& op, const std::string& name) {
      const auto found = ids.find(name);
      if (found == ids.end()) Fail(op, "input \"" + name + "\" is not computed by the graph");
      return found->second;
    };
    auto dies_here = [&](const std::string& name, std::size_t index) {
      return last_use[name] == static_cast<int>(index);
    };

    for (std::size_t index = 0; index < program.ops.size(); ++index) {
      const Op& op = program.ops[index];
      std::vector<int> temporaries;
      int out = -1;
      try {
        switch (op.kind) {
          case OpKind::kConv: out = BuildConv(op, lookup(op, op.inputs[0]),
                                              op.sum_operand.empty() ? -1 : lookup(op, op.sum_operand),
                                              !op.sum_operand.empty() && dies_here(op.sum_operand, index),
                                              stream, temporaries);
            break;
          case OpKind::kEltwise: {
            const int in = lookup(op, op.inputs[0]);
            dnnl::eltwise_forward::primitive_desc pd(
                dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, op.eltwise.alg,
                                            values_[in].desc, op.eltwise.alpha, op.eltwise.beta),
                engine_);
            out = NewValue(pd.dst_desc(), values_[in].dims);
            if (dies_here(op.inputs[0], index) && values_[in].buffer >= 0) {
              Share(out, values_[in].buffer);  // in place
            } else {
              Allocate(out);
            }
            pending_.push_back({dnnl::eltwise_forward(pd), {{DNNL_ARG_SRC, in}, {DNNL_ARG_DST, out}}, {}});
            break;
          }
          case OpKind::kBinary: out = BuildBinary(op, lookup(op, op.inputs[0]), lookup(op, op.inputs[1]), temporaries);
            break;
          case OpKind::kPool:
          case OpKind::kGlobalAvgPool: out = BuildPool(op, lookup(op, op.inputs[0]), temporaries);
            break;
          case OpKind::kAlias: {
            const int in = lookup(op, op.inputs[0]);
            out = NewValue(values_[in].desc, values_[in].dims);
            if (values_[in].buffer >= 0) Share(out, values_[in].buffer);
            break;
          }
        }
      } catch (const dnnl::error& e) {
        Fail(op, std::string("oneDNN cannot build it for a ") + std::to_string(n) + "x3x" +
                     std::to_string(height) + "x" + std::to_string(width) + " input: " + e.what());
      }
      ids[op.output] = out;
      for (int temporary : temporaries) Release(temporary);
      std::set<std::string> read(op.inputs.begin(), op.inputs.end());
      if (!op.sum_operand.empty()) read.insert(op.sum_operand);
      for (const std::string& name : read) {
        if (dies_here(name, index)) Release(ids[name]);
      }
    }

    const auto found = ids.find(program.output);
    if (found == ids.end()) throw DataError(describe_ + ": the feature output is never computed");
    const Value& output = values_[found->second];
    output_elements_ = 1;
    for (std::size_t d = 1; d < output.dims.size(); ++d) output_elements_ *= output.dims[d];
    // The features: the output map reordered (and converted) into the caller's plain rows.
    memory::dims plain_dims = output.dims;
    const tag plain = plain_dims.size() == 4 ? tag::nchw : plain_dims.size() == 2 ? tag::nc : tag::undef;
    if (plain == tag::undef) throw DataError(describe_ + ": the feature output is not 2-D or 4-D");
    try {
      output_memory_ = memory(memory::desc(plain_dims, dt::f32, plain), engine_, nullptr);
      input_memory_ = memory(values_[input].desc, engine_, nullptr);
      pending_.push_back({dnnl::reorder(dnnl::reorder::primitive_desc(
                              engine_, output.desc, engine_, output_memory_.get_desc())),
                          {{DNNL_ARG_FROM, found->second}},
                          {{DNNL_ARG_TO, output_memory_}}});
    } catch (const dnnl::error& e) {
      throw DataError(describe_ + ": oneDNN cannot write the feature output: " + e.what());
    }

    // Storage: one allocation per buffer, every value a view of its buffer.
    for (const Buffer& buffer : buffers_) {
      storage_.emplace_back(std::aligned_alloc(64, (std::max<std::size_t>(buffer.bytes, 64) + 63) / 64 * 64));
      if (storage_.back() == nullptr) throw std::bad_alloc();
    }
    std::vector<memory> memories(values_.size());
    for (std::size_t id = 0; id < values_.size(); ++id) {
      memories[id] = values_[id].buffer < 0 ? input_memory_
                                            : memory(values_[id].desc, engine_,
                                                     storage_[values_[id].buffer].get());
    }
    for (PendingStep& pending : pending_) {
      Step step{std::move(pending.primitive), std::move(pending.fixed_args)};
      for (const auto& [arg, id] : pending.value_args) step.args[arg] = memories[id];
      steps_.push_back(std::move(step));
    }
    pending_.clear();
  }

  // Layout of a conv's activations. fp32: nChw16c (16 channels interleaved, the AVX-512 vector)
  // where the channel count allows, measured 10-20% faster for MobileNetV2 on this CPU than what
  // `any` picks in oneDNN 2.6 (nhwc for its brgconv kernels). bf16: `any`, oneDNN's choice (nhwc for
  // its AMX kernels), measured ~1.8x faster than bf16 in nChw16c. Others: `any`.
  tag ActivationTag(std::int64_t channels) const {
    if (activation_type_ == dt::bf16) return tag::any;
    return channels % 16 == 0 ? tag::nChw16c : tag::any;
  }

  int BuildConv(const Op& op, int in, int sum_operand, bool sum_in_place, dnnl::stream& stream,
                std::vector<int>& temporaries) {
    const memory::dims& in_dims = values_[in].dims;
    if (in_dims.size() != 4 || in_dims[1] != op.in_channels) {
      Fail(op, "input has " + std::to_string(in_dims.size() == 4 ? in_dims[1] : -1) +
                   " channels, the weights expect " + std::to_string(op.in_channels));
    }
    memory::dims out_dims = {in_dims[0], op.out_channels, 0, 0};
    for (int d = 0; d < 2; ++d) {
      const std::int64_t extent = (op.kernel[d] - 1) * op.dilations[d] + 1;
      const std::int64_t padded = in_dims[2 + d] + op.pad_begin[d] + op.pad_end[d];
      if (padded < extent) Fail(op, "the input is smaller than the kernel");
      out_dims[2 + d] = (padded - extent) / op.strides[d] + 1;
    }
    const memory::dims weight_dims =
        op.group == 1 ? memory::dims{op.out_channels, op.in_channels, op.kernel[0], op.kernel[1]}
                      : memory::dims{op.group, op.out_channels / op.group, op.in_channels / op.group,
                                     op.kernel[0], op.kernel[1]};
    const memory::desc src_any(in_dims, activation_type_, ActivationTag(op.in_channels));
    const memory::desc weights_any(weight_dims, activation_type_, tag::any);
    const memory::desc bias_desc({op.out_channels}, dt::f32, tag::x);
    memory::desc dst_desc(out_dims, activation_type_, ActivationTag(op.out_channels));
    if (sum_operand >= 0) {
      if (values_[sum_operand].dims != out_dims) Fail(op, "the residual Add has operands of different shapes");
      dst_desc = values_[sum_operand].desc;
    }
    dnnl::post_ops post_ops;
    for (const PostOp& post : op.post_ops) {
      if (post.sum) {
        post_ops.append_sum(1.0f);
      } else {
        post_ops.append_eltwise(1.0f, post.eltwise.alg, post.eltwise.alpha, post.eltwise.beta);
      }
    }
    dnnl::primitive_attr attr;
    attr.set_post_ops(post_ops);
    const memory::dims strides = {op.strides[0], op.strides[1]};
    const memory::dims dilations = {op.dilations[0] - 1, op.dilations[1] - 1};
    const memory::dims pad_begin = {op.pad_begin[0], op.pad_begin[1]};
    const memory::dims pad_end = {op.pad_end[0], op.pad_end[1]};
    dnnl::convolution_forward::primitive_desc pd(
        dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                        algorithm::convolution_direct, src_any, weights_any,
                                        bias_desc, dst_desc, strides, dilations, pad_begin, pad_end),
        attr, engine_);

    const int src = InLayout(in, pd.src_desc(), temporaries);
    const memory::desc user_weights(weight_dims, dt::f32, op.group == 1 ? tag::oihw : tag::goihw);
    memory weights = Constant(user_weights, pd.weights_desc(), op.weights.data(), stream);
    memory bias = Constant(bias_desc, bias_desc, op.bias.data(), stream);

    int out;
    if (sum_operand >= 0 && sum_in_place && values_[sum_operand].buffer >= 0) {
      out = NewValue(pd.dst_desc(), out_dims);
      Share(out, values_[sum_operand].buffer);
    } else {
      out = NewValue(pd.dst_desc(), out_dims);
      Allocate(out);
      if (sum_operand >= 0) {  // the operand is still needed later: sum into a copy of it
        pending_.push_back({dnnl::reorder(dnnl::reorder::primitive_desc(
                                engine_, values_[sum_operand].desc, engine_, pd.dst_desc())),
                            {{DNNL_ARG_FROM, sum_operand}, {DNNL_ARG_TO, out}},
                            {}});
      }
    }
    pending_.push_back({dnnl::convolution_forward(pd),
                        {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, out}},
                        {{DNNL_ARG_WEIGHTS, weights}, {DNNL_ARG_BIAS, bias}}});
    return out;
  }

  int BuildBinary(const Op& op, int a, int b, std::vector<int>& temporaries) {
    const bool commutative = op.binary != algorithm::binary_sub;
    // oneDNN broadcasts src1 only: put the full-size operand first.
    auto elements = [&](int id) {
      std::int64_t count = 1;
      for (auto d : values_[id].dims) count *= d;
      return count;
    };
    if (elements(a) < elements(b)) {
      if (!commutative) Fail(op, "Sub broadcasting its first operand");
      std::swap(a, b);
    }
    const memory::dims& dims = values_[a].dims;
    const memory::dims& other = values_[b].dims;
    if (dims.size() != other.size()) Fail(op, "operands of different ranks");
    for (std::size_t d = 0; d < dims.size(); ++d) {
      if (other[d] != dims[d] && other[d] != 1) Fail(op, "operands that do not broadcast");
    }
    if (other == dims) b = InLayout(b, values_[a].desc, temporaries);
    dnnl::binary::primitive_desc pd(
        dnnl::binary::desc(op.binary, values_[a].desc, values_[b].desc, values_[a].desc), engine_);
    const int out = NewValue(pd.dst_desc(), dims);
    Allocate(out);
    pending_.push_back({dnnl::binary(pd), {{DNNL_ARG_SRC_0, a}, {DNNL_ARG_SRC_1, b}, {DNNL_ARG_DST, out}}, {}});
    return out;
  }

  int BuildPool(const Op& op, int in, std::vector<int>& temporaries) {
    if (op.kind == OpKind::kGlobalAvgPool && values_[in].desc.data_type() != dt::f32) {
      // A global average (the features, or a squeeze-excitation vector) is taken in fp32 even when
      // the activations are bf16, so the features keep fp32 precision: oneDNN 2.6 pools bf16 into
      // bf16 only, so the map is converted first (7x7 per channel at 224: cheap).
      in = InLayout(in, memory::desc(values_[in].dims, dt::f32, tag::nhwc), temporaries);
    }
    const memory::dims& in_dims = values_[in].dims;
    if (in_dims.size() != 4) Fail(op, "pooling over a tensor that is not 4-D");
    memory::dims kernel, strides, pad_begin, pad_end;
    algorithm alg = op.pool_alg;
    if (op.kind == OpKind::kGlobalAvgPool) {
      kernel = {in_dims[2], in_dims[3]};
      strides = {1, 1};
      pad_begin = pad_end = {0, 0};
      alg = algorithm::pooling_avg_exclude_padding;
    } else {
      kernel = {op.kernel[0], op.kernel[1]};
      strides = {op.strides[0], op.strides[1]};
      pad_begin = {op.pad_begin[0], op.pad_begin[1]};
      pad_end = {op.pad_end[0], op.pad_end[1]};
    }
    memory::dims out_dims = {in_dims[0], in_dims[1], 0, 0};
    for (int d = 0; d < 2; ++d) {
      const std::int64_t padded = in_dims[2 + d] + pad_begin[d] + pad_end[d];
      if (padded < kernel[d]) Fail(op, "the input is smaller than the pooling window");
      out_dims[2 + d] = (padded - kernel[d]) / strides[d] + 1;
    }
    const dnnl::pooling_forward::primitive_desc pd(
        dnnl::pooling_forward::desc(dnnl::prop_kind::forward_inference, alg, values_[in].desc,
                                    memory::desc(out_dims, values_[in].desc.data_type(), tag::any),
                                    strides, kernel, pad_begin, pad_end),
        engine_);
    const int out = NewValue(pd.dst_desc(), out_dims);
    Allocate(out);
    pending_.push_back({dnnl::pooling_forward(pd), {{DNNL_ARG_SRC, in}, {DNNL_ARG_DST, out}}, {}});
    return out;
  }

  const dnnl::engine& engine_;
  const std::string& describe_;
  const dt activation_type_;
  std::vector<Value> values_;
  std::vector<Buffer> buffers_;
  std::set<int> free_buffers_;
  std::vector<PendingStep> pending_;
  std::vector<Step> steps_;
  std::vector<std::unique_ptr<void, AlignedFree>> storage_;
  memory input_memory_;
  memory output_memory_;
  std::int64_t output_elements_ = 0;
};

// ---------------------------------------------------------------------------------------------

class OneDnnBackendImpl final : public Backend {
 public:
  OneDnnBackendImpl(const ResolvedModel& model, const BackendOptions& options,
                    const OneDnnOptions& onednn_options)
      : spec_(model.spec),
        path_(model.onnx_path),
        describe_("model " + spec_.name + " (" + path_ + ")"),
        num_threads_(options.num_threads),
        max_batch_(onednn_options.max_batch),
        bf16_(onednn_options.bf16),
        engine_(dnnl::engine::kind::cpu, 0),
        stream_(engine_) {
    if (max_batch_ < 1) throw UsageError("oneDNN backend: max_batch must be >= 1");
    if (bf16_ && !OneDnnSupportsBf16()) {
      throw UsageError("oneDNN backend: bf16 needs a CPU with AVX-512 BF16 or AMX");
    }
    program_ = internal::CompileOnnxGraph(LoadOnnxModel(path_), spec_, describe_);

    // Probe once at the native size (as OpenCvDnnBackend does): a wrong output or feature_dim
    // fails here, before any image is read.
    const std::vector<float> zeros(ImageFloats(spec_.input_height, spec_.input_width));
    std::vector<float> features(spec_.feature_dim);
    SetThreads();
    Plan& plan = PlanFor(1, spec_.input_height, spec_.input_width);
    plan.Execute(stream_, zeros.data(), features.data());
  }

  int feature_dim() const override { return spec_.feature_dim; }

  void Forward(std::span<const float> images, int n, int height, int width,
               std::span<float> features) override {
    CheckForwardArguments(spec_, describe_, images, n, height, width, features);
    const std::size_t image_floats = ImageFloats(height, width);
    const std::size_t dim = static_cast<std::size_t>(spec_.feature_dim);
    SetThreads();
    for (int first = 0; first < n; first += max_batch_) {
      const int count = std::min(max_batch_, n - first);
      Plan& plan = PlanFor(count, height, width);
      plan.Execute(stream_, images.data() + image_floats * first, features.data() + dim * first);
    }
  }

 private:
  // OpenMP's thread count is per calling thread: set it on every pass, from the thread that runs it.
  void SetThreads() const {
    if (num_threads_ > 0) omp_set_num_threads(num_threads_);
  }

  Plan& PlanFor(int n, int height, int width) {
    const auto key = std::make_tuple(n, height, width);
    const auto found = plans_.find(key);
    if (found != plans_.end()) return *found->second;
    if (plans_.size() >= kMaxCachedPlans) {
      // Keep the plan of the largest batch (the steady state) and drop another one.
      auto victim = plans_.begin();
      for (auto it = plans_.begin(); it != plans_.end(); ++it) {
        if (std::get<0>(it->first) < std::get<0>(victim->first)) victim = it;
      }
      plans_.erase(victim);
    }
    auto plan = std::make_unique<Plan>(program_, engine_, stream_, n, height, width, bf16_, describe_);
    if (plan->output_size() != spec_.feature_dim) {
      throw DataError(describe_ + ": output \"" + spec_.feature_output + "\" has " +
                      std::to_string(plan->output_size()) +
                      " values per image, the spec says feature_dim " +
                      std::to_string(spec_.feature_dim));
    }
    return *plans_.emplace(key, std::move(plan)).first->second;
  }

  const ModelSpec spec_;
  const std::string path_;
  const std::string describe_;
  const int num_threads_;
  const int max_batch_;
  const bool bf16_;
  dnnl::engine engine_;
  dnnl::stream stream_;
  Program program_;
  std::map<std::tuple<int, int, int>, std::unique_ptr<Plan>> plans_;
};

}  // namespace

bool OneDnnSupportsBf16() {
  const dnnl::cpu_isa isa = dnnl::get_effective_cpu_isa();
  return isa == dnnl::cpu_isa::avx512_core_bf16 || isa == dnnl::cpu_isa::avx512_core_amx;
}

std::unique_ptr<Backend> OneDnnBackend(const ResolvedModel& model, const BackendOptions& options,
                                       const OneDnnOptions& onednn_options) {
  return std::make_unique<OneDnnBackendImpl>(model, options, onednn_options);
}

std::unique_ptr<Backend> OneDnnBackend(const ResolvedModel& model, const BackendOptions& options) {
  return OneDnnBackend(model, options, OneDnnOptions{});
}

}  // namespace orchard::model
