// Row kernels of Descent's fused training step, in C so that they can be compiled for several
// instruction sets and picked at load time (see kernels.c). Swift reaches them through
// BLASScalar (Float+BLASScalar.swift, Double+BLASScalar.swift), as it reaches CBLAS.
#ifndef DESCENT_CKERNELS_H
#define DESCENT_CKERNELS_H

#include <stddef.h>

/// Σ a[j]·b[j] for j < n, in a fixed order (see kernels.c).
float descent_sdot(const float *a, const float *b, ptrdiff_t n);
double descent_ddot(const double *a, const double *b, ptrdiff_t n);

/// y[j] += alpha·x[j] for j < n.
void descent_saxpy(float alpha, const float *x, float *y, ptrdiff_t n);
void descent_daxpy(double alpha, const double *x, double *y, ptrdiff_t n);

/// x[j] *= alpha for j < n.
void descent_sscal(float alpha, float *x, ptrdiff_t n);
void descent_dscal(double alpha, double *x, ptrdiff_t n);

/// The instruction set the kernels run with on this machine ("avx512f", "avx2" or "baseline").
const char *descent_kernel_isa(void);

/// Asks the processor to bring the cache line holding `p` in ahead of a load (a hint: never faults,
/// whatever `p` is). Inline, so that Swift loops get the instruction itself, not a call.
static inline void descent_prefetch(const void *p) {
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(p);
#else
    (void)p;
#endif
}

#include "MachineLimits.h"

#endif
