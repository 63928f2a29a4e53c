#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace orchard::model {

// What orchard needs to know about one CNN: its file, how to preprocess its input and which output
// holds the features. Built-in specs live in models/*.json (compiled into the binary); users pass
// their own with --model-spec. The JSON keys are the field names below; docs/models.md lists them.
struct ModelSpec {
  std::string name;       // "mobilenet_v2": [a-z0-9_.-], what --model NAME matches
  std::string onnx_file;  // file name searched in the model directories: no directory part
  std::string sha256;     // 64 lower-case hex digits, or empty when the file cannot be verified
  std::string source;     // where the weights come from and how to get the file (free text)
  std::string license;    // licence of the weights (free text, may be empty)
  std::string input_name = "input";         // ONNX input, float32 NCHW
  std::string feature_output = "features";  // ONNX output, float32 [N, feature_dim]
  int input_width = 224;                    // the size the model was trained at
  int input_height = 224;
  bool dynamic_size = true;           // the graph also accepts other spatial sizes (GAP)
  std::string channel_order = "RGB";  // "RGB" or "BGR": channel 0 of the input tensor
  float scale = 1.0f / 255.0f;        // pixel value (0..255) * scale, then (x - mean) / std
  std::array<float, 3> mean = {0.0f, 0.0f, 0.0f};  // per channel, in channel_order
  std::array<float, 3> std = {1.0f, 1.0f, 1.0f};   // per channel, > 0
  int feature_dim = 0;                             // > 0
  int fixed_batch = 0;  // 0: any batch size; B: the graph runs exactly B images
};

// Parses one spec from JSON text. Required keys: name, onnx_file, feature_dim, input_width,
// input_height, channel_order, scale, mean, std; the others default as above; `sha256` may be
// null. Throws DataError naming the key for a missing or ill-typed key, an out-of-range value or
// an unknown key (a typo would otherwise be ignored silently).
ModelSpec ParseModelSpec(std::string_view json);

// Reads and parses the spec file at `path`. Throws NotFoundError if it does not exist, IoError if
// it cannot be read, DataError (naming `path`) if it is not a valid spec.
ModelSpec LoadModelSpec(const std::string& path);

// The specs compiled in from models/*.json, sorted by name. Never throws for a correct build.
std::vector<ModelSpec> BuiltinModelSpecs();

}  // namespace orchard::model
