#include "orchard/report/run_summary.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "orchard/core/errors.h"
#include "orchard/report/variance_plot.h"

namespace orchard::report {
namespace {

RunSummary Sample() {
  RunSummary s;
  s.command = "run";
  s.input_uri = "/data/fruits";
  s.model_name = "mobilenet_v2";
  s.image_width = s.image_height = 224;
  s.num_images = 10;
  s.num_succeeded = 8;
  s.num_failed = 2;
  s.total_seconds = 4.0;
  s.stages = {{"featurize", 2.0, 10, "images"}};
  s.failures_by_reason = {{"corrupt", 1}, {"empty", 1}};
  s.failure_examples = {{"<b>evil.jpg", "corrupt", "missing EOI & more"}};
  s.pca_k = 2;
  s.explained_variance_ratio = {0.5, 0.3, 0.15, 0.05};
  return s;
}

TEST(RunSummaryTest, JsonHasCountsThroughputAndCumulativeVariance) {
  nlohmann::json j = nlohmann::json::parse(ToJson(Sample()));
  EXPECT_EQ(j["counts"]["succeeded"], 8);
  EXPECT_EQ(j["counts"]["failed"], 2);
  EXPECT_DOUBLE_EQ(j["images_per_second"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(j["stages"][0]["items_per_second"].get<double>(), 5.0);
  EXPECT_EQ(j["failures_by_reason"]["corrupt"], 1);
  EXPECT_EQ(j["pca"]["k"], 2);
  EXPECT_NEAR(j["pca"]["cumulative_explained_variance_ratio"][3].get<double>(), 1.0, 1e-12);
  EXPECT_EQ(j["image_size"][0], 224);
}

TEST(RunSummaryTest, NativeImageSizeIsSpelledOut) {
  RunSummary s = Sample();
  s.image_width = s.image_height = 0;
  EXPECT_EQ(nlohmann::json::parse(ToJson(s))["image_size"], "native");
}

TEST(RunSummaryTest, HtmlEscapesUserTextAndEmbedsThePlot) {
  const std::string html = ToHtml(Sample());
  EXPECT_EQ(html.find("<b>evil"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;evil.jpg"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("k = 2 (80.00%)"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
}

TEST(RunSummaryTest, HtmlWithoutFailuresOrPcaSaysSo) {
  RunSummary s = Sample();
  s.failures_by_reason.clear();
  s.failure_examples.clear();
  s.pca_k = 0;
  const std::string html = ToHtml(s);
  EXPECT_NE(html.find("No image failed."), std::string::npos);
  EXPECT_EQ(html.find("<svg"), std::string::npos);
}

TEST(VariancePlotTest, ShowsAtLeastTwiceKComponentsAndMarksK) {
  std::vector<double> ratios(200, 1.0 / 200);
  const std::string svg = VarianceSvg(ratios, 40);
  EXPECT_NE(svg.find("first 80 of 200"), std::string::npos);
  EXPECT_NE(svg.find("k = 40"), std::string::npos);
  EXPECT_THROW(VarianceSvg(ratios, 0), InternalError);
  EXPECT_THROW(VarianceSvg(ratios, 201), InternalError);
}

}  // namespace
}  // namespace orchard::report
