#include "orchard/model/onnx_graph.h"

#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include <filesystem>

#include "orchard/core/errors.h"

namespace orchard::model {
namespace {

// Protobuf wire types (https://protobuf.dev/programming-guides/encoding/).
constexpr int kVarint = 0;
constexpr int kFixed64 = 1;
constexpr int kLengthDelimited = 2;
constexpr int kFixed32 = 5;

// Field numbers of onnx.proto (ONNX 1.12) for the messages read here.
namespace model_field {
constexpr int kIrVersion = 1, kGraph = 7, kOpsetImport = 8;
}
namespace opset_field {
constexpr int kDomain = 1, kVersion = 2;
}
namespace graph_field {
constexpr int kNode = 1, kInitializer = 5, kInput = 11, kOutput = 12;
}
namespace node_field {
constexpr int kInput = 1, kOutput = 2, kName = 3, kOpType = 4, kAttribute = 5, kDomain = 7;
}
namespace attribute_field {
constexpr int kName = 1, kF = 2, kI = 3, kS = 4, kT = 5, kFloats = 7, kInts = 8, kType = 20;
}
namespace tensor_field {
constexpr int kDims = 1, kDataType = 2, kFloatData = 4, kInt32Data = 5, kInt64Data = 7, kName = 8,
              kRawData = 9, kDoubleData = 10, kDataLocation = 14;
}
namespace value_info_field {
constexpr int kName = 1;
}

// A bounds-checked cursor over one protobuf message. Every read that would run past the end throws
// DataError with `what_` (the file) in the message.
class WireReader {
 public:
  WireReader(std::string_view bytes, const std::string& what) : bytes_(bytes), what_(what) {}

  bool done() const { return position_ >= bytes_.size(); }

  // Reads the next field key; returns false at the end of the message.
  bool Next(int& field, int& wire_type) {
    if (done()) return false;
    const std::uint64_t key = Varint();
    field = static_cast<int>(key >> 3);
    wire_type = static_cast<int>(key & 7);
    if (field == 0) Fail("field number 0");
    return true;
  }

  std::uint64_t Varint() {
    std::uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (done()) Fail("truncated varint");
      const auto byte = static_cast<unsigned char>(bytes_[position_++]);
      value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    Fail("varint longer than 10 bytes");
  }

  std::string_view Bytes() {
    const std::uint64_t length = Varint();
    if (length > bytes_.size() - position_) Fail("length-delimited field runs past the end");
    const std::string_view result = bytes_.substr(position_, length);
    position_ += length;
    return result;
  }

  std::uint32_t Fixed32() {
    if (bytes_.size() - position_ < 4) Fail("truncated fixed32");
    std::uint32_t value;
    std::memcpy(&value, bytes_.data() + position_, 4);  // protobuf is little-endian, as is x86
    position_ += 4;
    return value;
  }

  std::uint64_t Fixed64() {
    if (bytes_.size() - position_ < 8) Fail("truncated fixed64");
    std::uint64_t value;
    std::memcpy(&value, bytes_.data() + position_, 8);
    position_ += 8;
    return value;
  }

  float Float() {
    const std::uint32_t bits = Fixed32();
    float value;
    std::memcpy(&value, &bits, 4);
    return value;
  }

  double Double() {
    const std::uint64_t bits = Fixed64();
    double value;
    std::memcpy(&value, &bits, 8);
    return value;
  }

  void Skip(int wire_type) {
    switch (wire_type) {
      case kVarint: Varint(); return;
      case kFixed64: Fixed64(); return;
      case kLengthDelimited: Bytes(); return;
      case kFixed32: Fixed32(); return;
      default: Fail("unsupported wire type " + std::to_string(wire_type));
    }
  }

  // A repeated scalar field, packed (one length-delimited run) or not (one value per key).
  template <typename T, typename ReadOne>
  void Repeated(int wire_type, int scalar_wire_type, std::vector<T>& out, ReadOne read_one) {
    if (wire_type == kLengthDelimited) {
      WireReader packed(Bytes(), what_);
      while (!packed.done()) out.push_back(static_cast<T>(read_one(packed)));
    } else {
      Expect(wire_type, scalar_wire_type);
      out.push_back(static_cast<T>(read_one(*this)));
    }
  }

  void Expect(int wire_type, int expected) {
    if (wire_type != expected) {
      Fail("wire type " + std::to_string(wire_type) + " where " + std::to_string(expected) +
           " was expected");
    }
  }

  [[noreturn]] void Fail(const std::string& reason) const {
    throw DataError(what_ + ": not a valid ONNX model (protobuf: " + reason + ")");
  }

  const std::string& what() const { return what_; }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
  const std::string& what_;
};

std::int64_t ReadInt64(WireReader& r) { return static_cast<std::int64_t>(r.Varint()); }
float ReadFloat(WireReader& r) { return r.Float(); }
double ReadDouble(WireReader& r) { return r.Double(); }

std::string ReadString(WireReader& r, int wire_type) {
  r.Expect(wire_type, kLengthDelimited);
  return std::string(r.Bytes());
}

OnnxTensor ParseTensor(std::string_view bytes, const std::string& what) {
  WireReader r(bytes, what);
  OnnxTensor tensor;
  std::string_view raw;
  std::vector<double> doubles;
  bool external = false;
  int field, wire_type;
  while (r.Next(field, wire_type)) {
    switch (field) {
      case tensor_field::kDims: r.Repeated(wire_type, kVarint, tensor.dims, ReadInt64); break;
      case tensor_field::kDataType:
        r.Expect(wire_type, kVarint);
        tensor.data_type = static_cast<int>(r.Varint());
        break;
      case tensor_field::kFloatData: r.Repeated(wire_type, kFixed32, tensor.floats, ReadFloat); break;
      case tensor_field::kInt32Data:  // int32 values are stored as (sign-extended) varints
      case tensor_field::kInt64Data: r.Repeated(wire_type, kVarint, tensor.ints, ReadInt64); break;
      case tensor_field::kDoubleData: r.Repeated(wire_type, kFixed64, doubles, ReadDouble); break;
      case tensor_field::kName: tensor.name = ReadString(r, wire_type); break;
      case tensor_field::kRawData:
        r.Expect(wire_type, kLengthDelimited);
        raw = r.Bytes();
        break;
      case tensor_field::kDataLocation:
        r.Expect(wire_type, kVarint);
        external = r.Varint() == 1;
        break;
      default: r.Skip(wire_type);
    }
  }
  if (external) {
    throw DataError(what + ": tensor \"" + tensor.name +
                    "\" keeps its data in an external file, which is not supported");
  }
  const auto type = static_cast<OnnxDataType>(tensor.data_type);
  for (double x : doubles) tensor.floats.push_back(static_cast<float>(x));
  if (!raw.empty()) {
    const std::size_t count = raw.size();
    auto copy_raw = [&](auto sample, auto& out) {
      using T = decltype(sample);
      if (count % sizeof(T) != 0) r.Fail("raw_data of \"" + tensor.name + "\" has a partial value");
      out.resize(count / sizeof(T));
      for (std::size_t index = 0; index < out.size(); ++index) {
        T value;
        std::memcpy(&value, raw.data() + index * sizeof(T), sizeof(T));
        out[index] = static_cast<std::remove_reference_t<decltype(out[0])>>(value);
      }
    };
    switch (type) {
      case OnnxDataType::kFloat: copy_raw(float{}, tensor.floats); break;
      case OnnxDataType::kDouble: copy_raw(double{}, tensor.floats); break;
      case OnnxDataType::kInt32: copy_raw(std::int32_t{}, tensor.ints); break;
      case OnnxDataType::kInt64: copy_raw(std::int64_t{}, tensor.ints); break;
      default: break;  // other types: dims only
    }
  }
  const std::int64_t count = tensor.element_count();
  const std::size_t stored = tensor.floats.size() + tensor.ints.size();
  const bool numeric = type == OnnxDataType::kFloat || type == OnnxDataType::kDouble ||
                       type == OnnxDataType::kInt32 || type == OnnxDataType::kInt64;
  if (numeric && count >= 0 && stored != static_cast<std::size_t>(count)) {
    throw DataError(what + ": tensor \"" + tensor.name + "\" has " + std::to_string(stored) +
                    " values for dims of " + std::to_string(count) + " elements");
  }
  return tensor;
}

OnnxAttribute ParseAttribute(std::string_view bytes, const std::string& what) {
  WireReader r(bytes, what);
  OnnxAttribute attribute;
  int field, wire_type;
  while (r.Next(field, wire_type)) {
    switch (field) {
      case attribute_field::kName: attribute.name = ReadString(r, wire_type); break;
      case attribute_field::kType:
        r.Expect(wire_type, kVarint);
        attribute.type = static_cast<int>(r.Varint());
        break;
      case attribute_field::kF:
        r.Expect(wire_type, kFixed32);
        attribute.f = r.Float();
        if (attribute.type == 0) attribute.type = OnnxAttribute::kFloat;
        break;
      case attribute_field::kI:
        r.Expect(wire_type, kVarint);
        attribute.i = ReadInt64(r);
        if (attribute.type == 0) attribute.type = OnnxAttribute::kInt;
        break;
      case attribute_field::kS: attribute.s = ReadString(r, wire_type); break;
      case attribute_field::kT:
        r.Expect(wire_type, kLengthDelimited);
        attribute.tensors.push_back(ParseTensor(r.Bytes(), what));
        break;
      case attribute_field::kFloats: r.Repeated(wire_type, kFixed32, attribute.floats, ReadFloat); break;
      case attribute_field::kInts: r.Repeated(wire_type, kVarint, attribute.ints, ReadInt64); break;
      default: r.Skip(wire_type);
    }
  }
  return attribute;
}

OnnxNode ParseNode(std::string_view bytes, const std::string& what) {
  WireReader r(bytes, what);
  OnnxNode node;
  int field, wire_type;
  while (r.Next(field, wire_type)) {
    switch (field) {
      case node_field::kInput: node.inputs.push_back(ReadString(r, wire_type)); break;
      case node_field::kOutput: node.outputs.push_back(ReadString(r, wire_type)); break;
      case node_field::kName: node.name = ReadString(r, wire_type); break;
      case node_field::kOpType: node.op_type = ReadString(r, wire_type); break;
      case node_field::kDomain: node.domain = ReadString(r, wire_type); break;
      case node_field::kAttribute: {
        r.Expect(wire_type, kLengthDelimited);
        OnnxAttribute attribute = ParseAttribute(r.Bytes(), what);
        std::string name = attribute.name;
        node.attributes.insert_or_assign(std::move(name), std::move(attribute));
        break;
      }
      default: r.Skip(wire_type);
    }
  }
  return node;
}

std::string ParseValueInfoName(std::string_view bytes, const std::string& what) {
  WireReader r(bytes, what);
  std::string name;
  int field, wire_type;
  while (r.Next(field, wire_type)) {
    if (field == value_info_field::kName) {
      name = ReadString(r, wire_type);
    } else {
      r.Skip(wire_type);
    }
  }
  return name;
}

void ParseGraph(std::string_view bytes, const std::string& what, OnnxGraph& graph) {
  WireReader r(bytes, what);
  int field, wire_type;
  while (r.Next(field, wire_type)) {
    switch (field) {
      case graph_field::kNode:
        r.Expect(wire_type, kLengthDelimited);
        graph.nodes.push_back(ParseNode(r.Bytes(), what));
        break;
      case graph_field::kInitializer: {
        r.Expect(wire_type, kLengthDelimited);
        OnnxTensor tensor = ParseTensor(r.Bytes(), what);
        std::string name = tensor.name;
        graph.constants.insert_or_assign(std::move(name), std::move(tensor));
        break;
      }
      case graph_field::kInput:
        r.Expect(wire_type, kLengthDelimited);
        graph.inputs.push_back(ParseValueInfoName(r.Bytes(), what));
        break;
      case graph_field::kOutput:
        r.Expect(wire_type, kLengthDelimited);
        graph.outputs.push_back(ParseValueInfoName(r.Bytes(), what));
        break;
      default: r.Skip(wire_type);
    }
  }
}

}  // namespace

std::int64_t OnnxTensor::element_count() const {
  std::int64_t count = 1;
  for (std::int64_t dim : dims) {
    if (dim < 0) return -1;
    count *= dim;
  }
  return count;
}

const OnnxAttribute* OnnxNode::Find(std::string_view attribute) const {
  const auto found = attributes.find(std::string(attribute));
  return found == attributes.end() ? nullptr : &found->second;
}

std::int64_t OnnxNode::Int(std::string_view attribute, std::int64_t fallback) const {
  const OnnxAttribute* found = Find(attribute);
  return found == nullptr ? fallback : found->i;
}

float OnnxNode::Float(std::string_view attribute, float fallback) const {
  const OnnxAttribute* found = Find(attribute);
  return found == nullptr ? fallback : found->f;
}

std::vector<std::int64_t> OnnxNode::Ints(std::string_view attribute) const {
  const OnnxAttribute* found = Find(attribute);
  return found == nullptr ? std::vector<std::int64_t>{} : found->ints;
}

OnnxGraph ParseOnnxModel(std::string_view bytes, const std::string& what) {
  WireReader r(bytes, what);
  OnnxGraph graph;
  bool has_graph = false;
  int field, wire_type;
  while (r.Next(field, wire_type)) {
    switch (field) {
      case model_field::kIrVersion:
        r.Expect(wire_type, kVarint);
        graph.ir_version = ReadInt64(r);
        break;
      case model_field::kGraph:
        r.Expect(wire_type, kLengthDelimited);
        ParseGraph(r.Bytes(), what, graph);
        has_graph = true;
        break;
      case model_field::kOpsetImport: {
        r.Expect(wire_type, kLengthDelimited);
        WireReader opset(r.Bytes(), what);
        std::string domain;
        std::int64_t version = 0;
        int opset_field_number, opset_wire_type;
        while (opset.Next(opset_field_number, opset_wire_type)) {
          if (opset_field_number == opset_field::kDomain) {
            domain = ReadString(opset, opset_wire_type);
          } else if (opset_field_number == opset_field::kVersion) {
            opset.Expect(opset_wire_type, kVarint);
            version = ReadInt64(opset);
          } else {
            opset.Skip(opset_wire_type);
          }
        }
        if (domain.empty() || domain == "ai.onnx") graph.opset = version;
        break;
      }
      default: r.Skip(wire_type);
    }
  }
  if (!has_graph || graph.nodes.empty()) {
    throw DataError(what + ": not a valid ONNX model (no graph with nodes)");
  }
  if (graph.ir_version <= 0) {
    throw DataError(what + ": not a valid ONNX model (no ir_version)");
  }
  return graph;
}

OnnxGraph LoadOnnxModel(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    throw NotFoundError(path + ": no such ONNX file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path + ": cannot open the ONNX file");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw IoError(path + ": cannot read the ONNX file");
  return ParseOnnxModel(bytes, path);
}

}  // namespace orchard::model
