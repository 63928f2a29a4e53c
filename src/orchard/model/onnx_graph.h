#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace orchard::model {

// The subset of an ONNX model (onnx.proto, IR version 3 and later) that the oneDNN backend needs:
// the main graph's nodes, its constant tensors, inputs and outputs. Read by a small hand-written
// protobuf wire-format reader (no libprotobuf/libonnx), so only what is listed here is kept.

enum class OnnxDataType : int { kUndefined = 0, kFloat = 1, kInt32 = 6, kInt64 = 7, kDouble = 11 };

// A constant tensor (initializer or Constant node value). Every numeric type the reader accepts is
// converted: float/double into `floats`, int32/int64 into `ints`. Other types keep only dims.
struct OnnxTensor {
  std::string name;
  std::vector<std::int64_t> dims;
  int data_type = 0;  // TensorProto.DataType
  std::vector<float> floats;
  std::vector<std::int64_t> ints;

  std::int64_t element_count() const;
};

struct OnnxAttribute {
  enum Type : int { kFloat = 1, kInt = 2, kString = 3, kTensor = 4, kFloats = 6, kInts = 7 };
  std::string name;
  int type = 0;  // AttributeProto.AttributeType; 0 when the file leaves it out (IR < 4)
  float f = 0.0f;
  std::int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<std::int64_t> ints;
  std::vector<OnnxTensor> tensors;  // `t` (one element) when type is kTensor
};

struct OnnxNode {
  std::string name;
  std::string op_type;
  std::string domain;
  std::vector<std::string> inputs;  // "" = an omitted optional input
  std::vector<std::string> outputs;
  std::map<std::string, OnnxAttribute> attributes;

  const OnnxAttribute* Find(std::string_view attribute) const;
  std::int64_t Int(std::string_view attribute, std::int64_t fallback) const;
  float Float(std::string_view attribute, float fallback) const;
  std::vector<std::int64_t> Ints(std::string_view attribute) const;  // empty when absent
};

struct OnnxGraph {
  std::int64_t ir_version = 0;
  std::int64_t opset = 0;  // version of the default ("" / "ai.onnx") domain, 0 if not listed
  std::vector<OnnxNode> nodes;                   // in file order (ONNX requires topological order)
  std::map<std::string, OnnxTensor> constants;  // initializers by name
  std::vector<std::string> inputs;               // graph inputs, initializers included (IR < 4)
  std::vector<std::string> outputs;
};

// Parses a serialized ModelProto. Throws DataError (naming `what`, e.g. the file) when the bytes are
// not a well-formed protobuf, have no graph, or hold a tensor whose data does not match its dims.
// External tensor data (data_location = EXTERNAL) is rejected with a DataError.
OnnxGraph ParseOnnxModel(std::string_view bytes, const std::string& what);

// Reads the file at `path` and parses it. NotFoundError / IoError for the file, DataError as above.
OnnxGraph LoadOnnxModel(const std::string& path);

}  // namespace orchard::model
