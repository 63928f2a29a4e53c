// orchard's entry point: parses the command line, runs the command, turns
// errors into messages and exit codes. The only place that reads the
// environment and prints.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/flags.h"
#include "cli/progress_display.h"
#include "orchard/core/errors.h"
#include "orchard/pipeline/commands.h"
#include "orchard/pipeline/environment.h"

namespace orchard::cli {
namespace {

std::optional<std::string> RealGetEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

ProgressDisplay::Style StyleFor(ProgressMode mode) {
  switch (mode) {
    case ProgressMode::kBar: return ProgressDisplay::Style::kBar;
    case ProgressMode::kPlain: return ProgressDisplay::Style::kPlain;
    case ProgressMode::kNone: return ProgressDisplay::Style::kNone;
    case ProgressMode::kAuto: break;
  }
  return isatty(STDERR_FILENO) ? ProgressDisplay::Style::kBar : ProgressDisplay::Style::kPlain;
}

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

void PrintSummary(const report::RunSummary& s, bool wrote_report) {
  std::printf("orchard %s: %lld images with features, %lld failed, in %.1f s", s.command.c_str(),
              static_cast<long long>(s.num_succeeded), static_cast<long long>(s.num_failed), s.total_seconds);
  if (s.shards_skipped > 0) std::printf(" (%lld shards already done, skipped)", static_cast<long long>(s.shards_skipped));
  std::printf("\n");
  if (s.pca_k > 0) {
    double kept = 0;
    for (int i = 0; i < s.pca_k && i < static_cast<int>(s.explained_variance_ratio.size()); ++i) {
      kept += s.explained_variance_ratio[i];
    }
    std::printf("  PCA: %d components keep %.1f%% of the variance\n", s.pca_k, kept * 100);
  }
  const std::string& out = s.output_uri;
  if (s.command == "run" || s.command == "featurize") std::printf("  features: %s\n", Join(out, "features/").c_str());
  if (s.pca_k > 0) std::printf("  pca:      %s\n", Join(out, "pca/").c_str());
  if (wrote_report) std::printf("  report:   %s\n", Join(out, "report.html").c_str());
  if (s.num_failed > 0) std::printf("  failures: %s\n", Join(out, "errors/").c_str());
}

int ListModels(const Invocation& inv) {
  for (const model::ModelListing& m : model::ListModels(inv.options.model_search)) {
    std::printf("%-16s %5d-d  %s\n", m.spec.name.c_str(), m.spec.feature_dim,
                m.found_at.empty() ? "not found" : m.found_at.c_str());
    if (m.found_at.empty()) {
      for (const std::string& place : m.searched) std::printf("%24s searched %s\n", "", place.c_str());
    }
  }
  return kExitOk;
}

int Main(const std::vector<std::string>& args) {
  Invocation inv = ParseCommandLine(args, RealGetEnv);
  if (inv.command == "help") {
    std::fputs(HelpText(inv.help_topic).c_str(), stdout);
    return kExitOk;
  }
  if (inv.command == "version") {
    std::printf("orchard %s\n", ORCHARD_VERSION);
    return kExitOk;
  }
  pipeline::Environment environment;
  inv.options.storage = environment.StorageOptionsFrom(RealGetEnv);
  if (inv.command == "models") return ListModels(inv);

  ProgressDisplay display(stderr, StyleFor(inv.progress));
  inv.options.progress = [&display](const pipeline::Progress& p) { display.Update(p); };
  report::RunSummary summary;
  bool wrote_report = false;
  if (inv.command == "run") {
    summary = pipeline::RunAll(inv.options);
    wrote_report = true;
  } else if (inv.command == "featurize") {
    summary = pipeline::FeaturizeOnly(inv.options);
  } else if (inv.command == "fit") {
    summary = pipeline::FitOnly(inv.options);
  } else {
    summary = pipeline::ProjectOnly(inv.options);
    wrote_report = inv.options.shard_count == 1;
  }
  PrintSummary(summary, wrote_report);
  return kExitOk;
}

}  // namespace
}  // namespace orchard::cli

int main(int argc, char** argv) {
  using namespace orchard::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return Main(args);
  } catch (const orchard::UsageError& e) {
    std::fprintf(stderr, "orchard: %s\n", e.what());
    return kExitUsage;
  } catch (const orchard::IoError& e) {
    std::fprintf(stderr, "orchard: %s\n", e.what());
    return kExitIo;
  } catch (const orchard::DataError& e) {
    std::fprintf(stderr, "orchard: %s\n", e.what());
    return kExitData;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "orchard: bug: %s\nPlease report it with the command line you ran.\n", e.what());
    return kExitBug;
  }
}
