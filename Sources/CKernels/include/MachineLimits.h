// The streaming-read loop of `descent bench`'s machine limits (see limits.c), reached from Swift
// through LimitKernels (Sources/Training/Benchmark/LimitKernels.swift).
#ifndef DESCENT_MACHINE_LIMITS_H
#define DESCENT_MACHINE_LIMITS_H

#include <stddef.h>

/// Σ x[j] for j < n: a plain sum, as fast as memory delivers the array (the streaming-read limit).
float descent_limit_sum(const float *x, ptrdiff_t n);

#endif
