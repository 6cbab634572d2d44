// Row kernels for the fused training step: a dot product and an axpy over one row that is in L1.
//
// Why C: the step is bound by memory latency, and how many rows' cache misses the CPU keeps in
// flight depends on how many instructions a row takes. Swift compiles for the baseline x86-64
// (SSE2, 4 floats a vector) and has no per-function target attribute; here each kernel is built
// for AVX-512, AVX2 and the baseline (`target_clones`), and the loader picks the widest the CPU
// has (an ELF ifunc). Elsewhere (macOS, AArch64) there is one build for the default target.
//
// Rounding does not depend on the instruction set: the dot product keeps two 64-byte vectors of
// partial sums (element-wise, whatever the register width), adds them, folds the lanes in a fixed
// tree, then adds the tail in order; floating-point contraction (mul+add → fma) is off, and
// without -ffast-math the compiler may not reorder the sums. So every build rounds alike.
#include "CKernels.h"

#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

#if defined(__x86_64__) && defined(__ELF__) && (defined(__clang__) || defined(__GNUC__))
#define DESCENT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DESCENT_CLONES
#endif

#include <string.h>

// 16 floats or 8 doubles: one AVX-512 register, two AVX2 ones, four SSE ones (GCC/clang vector
// extensions; element-wise semantics, so the partial sums are the same on every target).
typedef float vf __attribute__((vector_size(64)));
typedef double vd __attribute__((vector_size(64)));

#define DEFINE_DOT(NAME, T, V)                                                    \
    DESCENT_CLONES T NAME(const T *a, const T *b, ptrdiff_t n) {                  \
        enum { L = sizeof(V) / sizeof(T) };                                       \
        V acc0 = {0}, acc1 = {0};                                                 \
        ptrdiff_t j = 0;                                                          \
        for (; j + 2 * L <= n; j += 2 * L) {                                      \
            V a0, b0, a1, b1;                                                     \
            memcpy(&a0, a + j, sizeof a0); memcpy(&b0, b + j, sizeof b0);         \
            memcpy(&a1, a + j + L, sizeof a1); memcpy(&b1, b + j + L, sizeof b1); \
            acc0 += a0 * b0;                                                      \
            acc1 += a1 * b1;                                                      \
        }                                                                         \
        acc0 += acc1;                                                             \
        T lanes[L];                                                               \
        memcpy(lanes, &acc0, sizeof lanes);                                       \
        for (int w = L / 2; w >= 1; w /= 2)                                       \
            for (int l = 0; l < w; l++) lanes[l] += lanes[l + w];                 \
        T total = lanes[0];                                                       \
        for (; j < n; j++) total += a[j] * b[j];                                  \
        return total;                                                             \
    }

#define DEFINE_AXPY(NAME, T, V)                                                   \
    DESCENT_CLONES void NAME(T alpha, const T *x, T *restrict y, ptrdiff_t n) {   \
        enum { L = sizeof(V) / sizeof(T) };                                       \
        ptrdiff_t j = 0;                                                          \
        for (; j + L <= n; j += L) {                                              \
            V xv, yv;                                                             \
            memcpy(&xv, x + j, sizeof xv); memcpy(&yv, y + j, sizeof yv);         \
            yv += alpha * xv;                                                     \
            memcpy(y + j, &yv, sizeof yv);                                        \
        }                                                                         \
        for (; j < n; j++) y[j] += alpha * x[j];                                  \
    }

#define DEFINE_SCAL(NAME, T, V)                                                   \
    DESCENT_CLONES void NAME(T alpha, T *x, ptrdiff_t n) {                        \
        enum { L = sizeof(V) / sizeof(T) };                                       \
        ptrdiff_t j = 0;                                                          \
        for (; j + L <= n; j += L) {                                              \
            V xv;                                                                 \
            memcpy(&xv, x + j, sizeof xv);                                        \
            xv *= alpha;                                                          \
            memcpy(x + j, &xv, sizeof xv);                                        \
        }                                                                         \
        for (; j < n; j++) x[j] *= alpha;                                         \
    }

DEFINE_DOT(descent_sdot, float, vf)
DEFINE_DOT(descent_ddot, double, vd)
DEFINE_AXPY(descent_saxpy, float, vf)
DEFINE_AXPY(descent_daxpy, double, vd)
DEFINE_SCAL(descent_sscal, float, vf)
DEFINE_SCAL(descent_dscal, double, vd)

const char *descent_kernel_isa(void) {
#if defined(__x86_64__) && defined(__ELF__) && (defined(__clang__) || defined(__GNUC__))
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) return "avx512f";
    if (__builtin_cpu_supports("avx2")) return "avx2";
#endif
    return "baseline";
}
