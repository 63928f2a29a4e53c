#pragma once

#include <cstdint>
#include <string>

namespace orchard::pipeline {

// Keys of the output layout (DESIGN.md "Output layout"), relative to OUT.
// Part numbers are shard indexes, zero-padded to five digits.
inline constexpr const char* kPlanKey = "plan.json";
inline constexpr const char* kPcaModelKey = "pca/model.json";
inline constexpr const char* kReportJsonKey = "report.json";
inline constexpr const char* kReportHtmlKey = "report.html";
inline constexpr const char* kSuccessKey = "_SUCCESS";

enum class PartKind { kFeatures, kMoments, kErrors, kPca };

// e.g. PartKey(kFeatures, 7, ".parquet") == "features/part-00007.parquet".
std::string PartKey(PartKind kind, std::int64_t shard, const std::string& extension);

// The extension of table parts for a --format value: ".parquet" or ".csv".
std::string TableExtension(bool csv);

}  // namespace orchard::pipeline
