// orchard's entry point: parses the command line, runs the command, turns
// errors into messages and exit codes. The only place that reads the
// environment and prints.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/flags.h"
#include "cli/progress_display.h"
#include "orchard/core/errors.h"
#include "orchard/pipeline/commands.h"
#include "orchard/pipeline/environment.h"
#include "orchard/pipeline/process_group.h"

namespace orchard::cli {
namespace {

std::optional<std::string> RealGetEnv(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

ProgressDisplay::Style StyleFor(ProgressMode mode) {
  switch (mode) {
    case ProgressMode::kBar:
      return ProgressDisplay::Style::kBar;
    case ProgressMode::kPlain:
      return ProgressDisplay::Style::kPlain;
    case ProgressMode::kNone:
      return ProgressDisplay::Style::kNone;
    case ProgressMode::kAuto:
      break;
  }
  return isatty(STDERR_FILENO) ? ProgressDisplay::Style::kBar : ProgressDisplay::Style::kPlain;
}

std::string Join(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

void PrintSummary(const report::RunSummary& s, bool wrote_report) {
  std::printf("orchard %s: %lld images with features, %lld failed, in %.1f s", s.command.c_str(),
              static_cast<long long>(s.num_succeeded), static_cast<long long>(s.num_failed),
              s.total_seconds);
  if (s.shards_skipped > 0)
    std::printf(" (%lld shards already done, skipped)", static_cast<long long>(s.shards_skipped));
  std::printf("\n");
  if (s.pca_k > 0) {
    double kept = 0;
    for (int i = 0; i < s.pca_k && i < static_cast<int>(s.explained_variance_ratio.size()); ++i) {
      kept += s.explained_variance_ratio[i];
    }
    std::printf("  PCA: %d components keep %.1f%% of the variance\n", s.pca_k, kept * 100);
  }
  const std::string& out = s.output_uri;
  if (s.command == "run" || s.command == "featurize")
    std::printf("  features: %s\n", Join(out, "features/").c_str());
  if (s.pca_k > 0) std::printf("  pca:      %s\n", Join(out, "pca/").c_str());
  if (wrote_report) std::printf("  report:   %s\n", Join(out, "report.html").c_str());
  if (s.num_failed > 0) std::printf("  failures: %s\n", Join(out, "errors/").c_str());
}

int ListModels(const Invocation& inv) {
  for (const model::ModelListing& m : model::ListModels(inv.options.model_search)) {
    std::printf("%-16s %5d-d  %s\n", m.spec.name.c_str(), m.spec.feature_dim,
                m.found_at.empty() ? "not found" : m.found_at.c_str());
    if (m.found_at.empty()) {
      for (const std::string& place : m.searched)
        std::printf("%24s searched %s\n", "", place.c_str());
    }
  }
  return kExitOk;
}

int Main(const std::vector<std::string>& args, pipeline::ProcessGroup& group) {
  Invocation inv = ParseCommandLine(args, RealGetEnv);
  inv.options.communicator = group.communicator();
  if (inv.options.threads == 0) inv.options.threads = group.DefaultThreads();
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
  ApplyStorageFlags(inv.storage_flags, inv.options.storage);
  if (inv.command == "models") return ListModels(inv);

  // Under mpirun stderr is a pipe: plain lines, whatever the terminal.
  ProgressDisplay display(stderr, group.size() > 1 && inv.progress == ProgressMode::kAuto
                                      ? ProgressDisplay::Style::kPlain
                                      : StyleFor(inv.progress));
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
    summary = pipeline::ProjectOnly(inv.options, &wrote_report);
  }
  if (group.rank() == 0) PrintSummary(summary, wrote_report);
  return kExitOk;
}

// Prints the error; under MPI also ends every rank of the job with the same
// code (the others may be waiting in a collective), so mpirun does not hang.
int Fail(int code, const char* what, pipeline::ProcessGroup* group) {
  if (group != nullptr && group->size() > 1) {
    std::fprintf(stderr, "orchard (rank %d of %d): %s\n", group->rank(), group->size(), what);
    std::fflush(stderr);
    group->Abort(code);
  } else {
    std::fprintf(stderr, "orchard: %s\n", what);
  }
  return code;
}

}  // namespace
}  // namespace orchard::cli

int main(int argc, char** argv) {
  using namespace orchard::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  // Outside the try block: the group must outlive the error handling, which
  // may need it to abort the job.
  std::unique_ptr<orchard::pipeline::ProcessGroup> group;
  try {
    group = std::make_unique<orchard::pipeline::ProcessGroup>(RealGetEnv);
    return Main(args, *group);
  } catch (const orchard::UsageError& e) {
    return Fail(kExitUsage, e.what(), group.get());
  } catch (const orchard::IoError& e) {
    return Fail(kExitIo, e.what(), group.get());
  } catch (const orchard::DataError& e) {
    return Fail(kExitData, e.what(), group.get());
  } catch (const std::exception& e) {
    const std::string what =
        std::string("bug: ") + e.what() + "\nPlease report it with the command line you ran.";
    return Fail(kExitBug, what.c_str(), group.get());
  }
}
