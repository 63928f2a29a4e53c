#include "orchard/dist/mpi_session.h"

#include <gtest/gtest.h>

#include <map>

namespace orchard::dist {
namespace {

GetEnvFunction Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(LaunchedByMpiTest, PlainProcessIsNot) { EXPECT_FALSE(LaunchedByMpi(Env({}))); }

TEST(LaunchedByMpiTest, OpenMpiMpirunIs) {
  EXPECT_TRUE(LaunchedByMpi(Env({{"OMPI_COMM_WORLD_SIZE", "3"}})));
  EXPECT_TRUE(LaunchedByMpi(Env({{"OMPI_COMM_WORLD_RANK", "0"}})));
}

TEST(LaunchedByMpiTest, PmixLauncherIs) { EXPECT_TRUE(LaunchedByMpi(Env({{"PMIX_RANK", "0"}}))); }

TEST(LaunchedByMpiTest, PmiLauncherIs) {
  EXPECT_TRUE(LaunchedByMpi(Env({{"PMI_RANK", "2"}})));
  EXPECT_TRUE(LaunchedByMpi(Env({{"PMI_SIZE", "4"}})));
}

TEST(LaunchedByMpiTest, EmptyValueCountsAsUnset) {
  EXPECT_FALSE(LaunchedByMpi(Env({{"OMPI_COMM_WORLD_SIZE", ""}, {"PMIX_RANK", ""}})));
}

TEST(LaunchedByMpiTest, ArrayJobAndPlainSrunVariablesAreNot) {
  EXPECT_FALSE(LaunchedByMpi(Env({{"SLURM_PROCID", "1"},
                                  {"SLURM_ARRAY_TASK_ID", "3"},
                                  {"JOB_COMPLETION_INDEX", "5"},
                                  {"AWS_BATCH_JOB_ARRAY_INDEX", "7"}})));
}

}  // namespace
}  // namespace orchard::dist
