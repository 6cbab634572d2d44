// The streaming-read loop of `descent bench`: a plain sum of an array too large for any cache, so
// that its speed is the memory bandwidth one thread gets. In C for the reason kernels.c gives:
// built for AVX-512, AVX2 and the baseline (target_clones), the widest one the CPU has picked at
// load time, so that the loop issues as few instructions per byte as possible. Four 64-byte
// vectors of partial sums keep the adds off the critical path; the hardware prefetchers follow
// the sequential reads (software prefetch measured no faster).
#include "MachineLimits.h"

#include <string.h>

#if defined(__x86_64__) && defined(__ELF__) && (defined(__clang__) || defined(__GNUC__))
#define DESCENT_LIMIT_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define DESCENT_LIMIT_CLONES
#endif

typedef float limit_vf __attribute__((vector_size(64)));

DESCENT_LIMIT_CLONES float descent_limit_sum(const float *x, ptrdiff_t n) {
    enum { L = sizeof(limit_vf) / sizeof(float) };
    limit_vf s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    ptrdiff_t j = 0;
    for (; j + 4 * L <= n; j += 4 * L) {
        limit_vf a0, a1, a2, a3;
        memcpy(&a0, x + j, sizeof a0);
        memcpy(&a1, x + j + L, sizeof a1);
        memcpy(&a2, x + j + 2 * L, sizeof a2);
        memcpy(&a3, x + j + 3 * L, sizeof a3);
        s0 += a0; s1 += a1; s2 += a2; s3 += a3;
    }
    s0 += s1; s2 += s3; s0 += s2;
    float total = 0;
    for (int l = 0; l < L; l++) total += s0[l];
    for (; j < n; j++) total += x[j];
    return total;
}
