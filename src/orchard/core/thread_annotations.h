#pragma once

// Clang thread-safety analysis attributes (-Wthread-safety); no-ops on other compilers.
#if defined(__clang__)
#define ORCHARD_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define ORCHARD_THREAD_ANNOTATION(x)
#endif

#define ORCHARD_CAPABILITY(x) ORCHARD_THREAD_ANNOTATION(capability(x))
#define ORCHARD_SCOPED_CAPABILITY ORCHARD_THREAD_ANNOTATION(scoped_lockable)
#define ORCHARD_GUARDED_BY(x) ORCHARD_THREAD_ANNOTATION(guarded_by(x))
#define ORCHARD_REQUIRES(...) ORCHARD_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ORCHARD_ACQUIRE(...) ORCHARD_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define ORCHARD_RELEASE(...) ORCHARD_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define ORCHARD_EXCLUDES(...) ORCHARD_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
