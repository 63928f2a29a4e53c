#include <cstdio>
#include <sstream>

#include "orchard/report/run_summary.h"
#include "orchard/report/variance_plot.h"

namespace orchard::report {
namespace {

// Everything a user controls (paths, labels, reasons) is escaped: file names
// such as "<b>.jpg" must not become markup.
std::string Escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

void Row(std::ostringstream& html, const std::string& key, const std::string& value) {
  html << "<tr><th>" << Escape(key) << "</th><td>" << Escape(value) << "</td></tr>\n";
}

}  // namespace

std::string ToHtml(const RunSummary& s) {
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
       << "<title>orchard report</title><style>"
       << "body{font-family:sans-serif;margin:2em;max-width:60em;color:#222}"
       << "table{border-collapse:collapse;margin:1em 0}th,td{padding:.25em .8em;text-align:left;"
       << "border-bottom:1px solid #ddd}th{font-weight:600}td.n{text-align:right}"
       << "</style></head><body>\n";
  html << "<h1>orchard " << Escape(s.command) << " report</h1>\n<table>\n";
  Row(html, "input", s.input_uri);
  Row(html, "output", s.output_uri);
  Row(html, "model", s.backend.empty() ? s.model_name : s.model_name + " on " + s.backend);
  Row(html, "image size",
      s.image_width == 0 ? "native" : std::to_string(s.image_width) + "×" + std::to_string(s.image_height));
  Row(html, "feature dimension", std::to_string(s.feature_dim));
  Row(html, "batch size / threads", std::to_string(s.batch_size) + " / " + std::to_string(s.threads));
  if (s.ranks > 1) Row(html, "MPI ranks", std::to_string(s.ranks));
  Row(html, "created", s.created_at);
  Row(html, "orchard version", s.orchard_version);
  html << "</table>\n<h2>Counts</h2>\n<table>\n";
  Row(html, "images planned", std::to_string(s.num_images));
  Row(html, "images with features", std::to_string(s.num_succeeded));
  Row(html, "images failed", std::to_string(s.num_failed));
  Row(html, "shards (skipped: already done)",
      std::to_string(s.num_shards) + " (" + std::to_string(s.shards_skipped) + ")");
  Row(html, "storage retries", std::to_string(s.storage_retries));
  Row(html, "peak memory", Fixed(s.peak_rss_bytes / 1048576.0, 1) + " MiB");
  html << "</table>\n<h2>Stages</h2>\n<table><tr><th>stage</th><th>seconds</th><th>items</th>"
       << "<th>per second</th></tr>\n";
  for (const StageTiming& t : s.stages) {
    html << "<tr><td>" << Escape(t.name) << "</td><td class=\"n\">" << Fixed(t.seconds, 2)
         << "</td><td class=\"n\">" << t.items << " " << Escape(t.unit) << "</td><td class=\"n\">"
         << (t.seconds > 0 ? Fixed(t.items / t.seconds, 1) : "–") << "</td></tr>\n";
  }
  html << "<tr><th>total</th><td class=\"n\">" << Fixed(s.total_seconds, 2) << "</td><td></td><td class=\"n\">"
       << (s.total_seconds > 0 ? Fixed(s.num_succeeded / s.total_seconds, 1) + " images/s" : "–")
       << "</td></tr></table>\n";
  html << "<h2>Failures</h2>\n";
  if (s.failures_by_reason.empty()) {
    html << "<p>No image failed.</p>\n";
  } else {
    html << "<table><tr><th>reason</th><th>images</th></tr>\n";
    for (const FailureCount& f : s.failures_by_reason) {
      html << "<tr><td>" << Escape(f.reason) << "</td><td class=\"n\">" << f.count << "</td></tr>\n";
    }
    html << "</table>\n<table><tr><th>path</th><th>reason</th><th>detail</th></tr>\n";
    for (const FailureExample& e : s.failure_examples) {
      html << "<tr><td>" << Escape(e.path) << "</td><td>" << Escape(e.reason) << "</td><td>"
           << Escape(e.detail) << "</td></tr>\n";
    }
    html << "</table><p>Every failure is listed in <code>errors/part-*.jsonl</code>.</p>\n";
  }
  if (s.pca_k > 0 && !s.explained_variance_ratio.empty()) {
    double kept = 0.0;
    for (int i = 0; i < s.pca_k; ++i) kept += s.explained_variance_ratio[i];
    html << "<h2>PCA</h2>\n<p>" << s.pca_k << " components keep " << Fixed(kept * 100, 2)
         << "% of the variance of the standardised features.</p>\n"
         << VarianceSvg(s.explained_variance_ratio, s.pca_k);
  }
  html << "</body></html>\n";
  return html.str();
}

}  // namespace orchard::report
