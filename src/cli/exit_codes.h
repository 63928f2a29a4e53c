#pragma once

namespace orchard::cli {

// Process exit codes (DESIGN.md "Command line").
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitIo = 3;
inline constexpr int kExitData = 4;
inline constexpr int kExitBug = 70;

}  // namespace orchard::cli
