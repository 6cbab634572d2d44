/*
 * c_loop.c: the same SGD epoch as Benchmarks/Sources/sgd-epoch, written as a plain C loop over
 * system OpenBLAS. It is the "what a careful C programmer gets from this BLAS" peer of
 * run-throughput.sh. One source, two builds (the script does both):
 *
 *   gcc -O3 -march=native                 c_loop.c -o c-loop-float32 -lopenblas
 *   gcc -O3 -march=native -DC_LOOP_DOUBLE c_loop.c -o c-loop-float64 -lopenblas
 *   OPENBLAS_NUM_THREADS=1 c-loop-float32 --x X.npy --y y.npy --problem P1 --batches 32,full
 *       [--reps 3] [--lr 0.01] [--momentum 0.9] [--seed 42]
 *
 * Model and update are torch.optim.SGD on MSELoss for a linear model with bias, θ = (W: k×d, b: k):
 *   R = X_B·Wᵀ + b − Y_B,  G = 2/(B·k)·(Rᵀ·X_B, Σ_i r_i),  V = μ·V + G,  θ −= lr·V   (θ = V = 0 at start)
 * An epoch is a seeded Fisher–Yates shuffle plus ⌈n/B⌉ steps. A step gathers its rows into a buffer
 * (prefetching the row PREFETCH positions ahead), then gemv (k = 1) or gemm forward, the bias and
 * residual, gemv/gemm backward, and sscal + saxpy for momentum. "full" is one step on X in place.
 * Batch 1 is per-sample SGD on the row in place: dot, then axpy into V. The float64 build reads the
 * float32 files and converts them. Large buffers are 2 MiB aligned with MADV_HUGEPAGE. Each batch size:
 * 1 warm-up epoch + REPS timed ones (shuffle included); one JSON line on stdout, like sgd-epoch.
 * Threads: OPENBLAS_NUM_THREADS (every loop outside BLAS is single-threaded).
 */
#include <cblas.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#ifdef C_LOOP_DOUBLE
typedef double real;
#define DTYPE "float64"
#define GEMV cblas_dgemv
#define GEMM cblas_dgemm
#define DOT cblas_ddot
#define AXPY cblas_daxpy
#define SCAL cblas_dscal
#else
typedef float real;
#define DTYPE "float32"
#define GEMV cblas_sgemv
#define GEMM cblas_sgemm
#define DOT cblas_sdot
#define AXPY cblas_saxpy
#define SCAL cblas_sscal
#endif
enum { PREFETCH = 8, LINE = 64 };

static void fail(const char *what, const char *detail) { fprintf(stderr, "c-loop: %s %s\n", what, detail); exit(1); }

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Zeroed buffer; from 4 MiB up aligned to 2 MiB and advised for transparent huge pages. */
static void *buffer(size_t bytes) {
    const size_t huge = (size_t)2 << 20, align = bytes >= 2 * huge ? huge : 64;
    size_t rounded = (bytes + align - 1) / align * align;
    void *p = NULL;
    if (posix_memalign(&p, align, rounded ? rounded : align) != 0) fail("out of memory", "");
    if (align == huge) madvise(p, rounded, MADV_HUGEPAGE);
    return memset(p, 0, rounded ? rounded : align);
}

/* A float32 little-endian C-order .npy file, 1-D (n → n×1) or 2-D, converted to `real` in slices. */
static real *read_npy(const char *path, long *rows, long *cols) {
    FILE *f = fopen(path, "rb");
    unsigned char head[12];
    if (!f || fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0) fail("not a .npy file:", path);
    size_t length = head[8] | (size_t)head[9] << 8;
    if (head[6] >= 2) {
        if (fread(head + 10, 1, 2, f) != 2) fail("short header:", path);
        length |= (size_t)head[10] << 16 | (size_t)head[11] << 24;
    }
    char *dict = calloc(length + 1, 1);
    if (!dict || fread(dict, 1, length, f) != length) fail("short header:", path);
    const char *shape = strstr(dict, "'shape': (");
    if (!strstr(dict, "'descr': '<f4'") || !strstr(dict, "'fortran_order': False") || !shape)
        fail("need a float32 C-order array:", path);
    *cols = 1;
    if (sscanf(shape + 10, "%ld, %ld", rows, cols) < 1) fail("cannot read the shape of", path);
    free(dict);
    const size_t count = (size_t)*rows * (size_t)*cols, slice = 1 << 18;
    real *out = buffer(count * sizeof(real));
    float *part = sizeof(real) == sizeof(float) ? NULL : malloc(slice * sizeof(float));
    for (size_t done = 0; done < count; done += slice) {
        const size_t m = count - done < slice ? count - done : slice;
        float *into = part ? part : (float *)out + done;
        if (fread(into, sizeof(float), m, f) != m) fail("short read:", path);
        if (part) for (size_t i = 0; i < m; i++) out[done + i] = (real)part[i];
    }
    free(part);
    fclose(f);
    return out;
}

/* The shuffle's generator: a 64-bit LCG with an xorshift-multiply output; bounded by multiply-high. */
static uint64_t lcg;
static uint32_t below(uint32_t bound) {
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t z = lcg ^ (lcg >> 29);
    z *= 0xD6E8FEB86659FD93ull;
    return (uint32_t)(((z >> 32) * (uint64_t)bound) >> 32);
}

typedef struct {
    long n, d, k, p;            /* rows, features, outputs, parameters k·d + k */
    const real *x, *y;
    real *theta, *grad, *vel;   /* W (k×d, row-major) then b (k) */
    real *xb, *rb;              /* the gathered batch and its residuals */
    uint32_t *order;
    real lr, mu;
} sgd;

static void prefetch_row(const real *row, long d) {
    for (long o = 0; o < d * (long)sizeof(real); o += LINE) __builtin_prefetch((const char *)row + o, 0, 0);
}

/* One mini-batch step on the m rows at xs (its targets already copied into rb). */
static void step(sgd *s, const real *xs, long m) {
    const long d = s->d, k = s->k;
    const real *bias = s->theta + k * d;
    real *rb = s->rb, *gb = s->grad + k * d;
    if (k == 1) GEMV(CblasRowMajor, CblasNoTrans, m, d, 1, xs, d, s->theta, 1, -1, rb, 1);
    else GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, m, k, d, 1, xs, d, s->theta, d, -1, rb, k);
    const real scale = (real)2 / (real)(m * k);
    for (long j = 0; j < k; j++) gb[j] = 0;
    for (long i = 0; i < m; i++)
        for (long j = 0; j < k; j++) { rb[i * k + j] += bias[j]; gb[j] += rb[i * k + j]; }
    for (long j = 0; j < k; j++) gb[j] *= scale;
    if (k == 1) GEMV(CblasRowMajor, CblasTrans, m, d, scale, xs, d, rb, 1, 0, s->grad, 1);
    else GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, k, d, m, scale, rb, k, xs, d, 0, s->grad, d);
    SCAL((int)s->p, s->mu, s->vel, 1);
    AXPY((int)s->p, 1, s->grad, 1, s->vel, 1);
    AXPY((int)s->p, -s->lr, s->vel, 1, s->theta, 1);
}

/* Per-sample SGD (k = 1): r = x·w + b − y in place, V = μV + 2r·(x, 1), θ −= lr·V. */
static void per_sample(sgd *s) {
    const long n = s->n, d = s->d;
    for (long t = 0; t < n; t++) {
        if (t + PREFETCH < n) prefetch_row(s->x + (size_t)s->order[t + PREFETCH] * d, d);
        const real *row = s->x + (size_t)s->order[t] * d;
        const real g = 2 * (DOT((int)d, row, 1, s->theta, 1) + s->theta[d] - s->y[s->order[t]]);
        SCAL((int)s->p, s->mu, s->vel, 1);
        AXPY((int)d, g, row, 1, s->vel, 1);
        s->vel[d] += g;
        AXPY((int)s->p, -s->lr, s->vel, 1, s->theta, 1);
    }
}

static void epoch(sgd *s, long batch) {
    const long n = s->n, d = s->d, k = s->k;
    if (batch >= n) { memcpy(s->rb, s->y, (size_t)(n * k) * sizeof(real)); step(s, s->x, n); return; }
    for (long i = n - 1; i > 0; i--) {
        const uint32_t j = below((uint32_t)i + 1), t = s->order[i];
        s->order[i] = s->order[j]; s->order[j] = t;
    }
    if (batch == 1 && k == 1) { per_sample(s); return; }
    for (long start = 0; start < n; start += batch) {
        const long m = n - start < batch ? n - start : batch;
        for (long i = 0; i < m; i++) {
            if (start + i + PREFETCH < n) prefetch_row(s->x + (size_t)s->order[start + i + PREFETCH] * d, d);
            const size_t row = s->order[start + i];
            memcpy(s->xb + i * d, s->x + row * d, (size_t)d * sizeof(real));
            memcpy(s->rb + i * k, s->y + row * k, (size_t)k * sizeof(real));
        }
        step(s, s->xb, m);
    }
}

/* Descent's loss units: ½·mean over rows of Σ_k r², accumulated in double, 4096 rows at a time. */
static double half_mse(const sgd *s) {
    const long d = s->d, k = s->k, chunk = 4096;
    real *out = buffer((size_t)(chunk * k) * sizeof(real));
    double total = 0;
    for (long start = 0; start < s->n; start += chunk) {
        const long m = s->n - start < chunk ? s->n - start : chunk;
        const real *xs = s->x + (size_t)start * d;
        if (k == 1) GEMV(CblasRowMajor, CblasNoTrans, m, d, 1, xs, d, s->theta, 1, 0, out, 1);
        else GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, m, k, d, 1, xs, d, s->theta, d, 0, out, k);
        for (long i = 0; i < m * k; i++) {
            const double r = (double)out[i] + (double)s->theta[k * d + i % k] - (double)s->y[(size_t)start * k + i];
            total += r * r;
        }
    }
    free(out);
    return 0.5 * total / (double)s->n;
}

static int ascending(const void *a, const void *b) { const double u = *(const double *)a, v = *(const double *)b; return (u > v) - (u < v); }

int main(int argc, char **argv) {
    const char *xpath = NULL, *ypath = NULL, *problem = "P1", *batches = "32,256,1024,8192,full";
    int reps = 3;
    double lr = 0.01, mu = 0.9;
    unsigned long long seed = 42;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *flag = argv[i], *value = argv[i + 1];
        if (!strcmp(flag, "--x")) xpath = value;
        else if (!strcmp(flag, "--y")) ypath = value;
        else if (!strcmp(flag, "--problem")) problem = value;
        else if (!strcmp(flag, "--batches")) batches = value;
        else if (!strcmp(flag, "--reps")) reps = atoi(value);
        else if (!strcmp(flag, "--lr")) lr = atof(value);
        else if (!strcmp(flag, "--momentum")) mu = atof(value);
        else if (!strcmp(flag, "--seed")) seed = strtoull(value, NULL, 10);
        else fail("unknown flag", flag);
    }
    if (!xpath || !ypath || reps < 1 || reps > 99 || argc % 2 == 0) fail("usage: --x X.npy --y Y.npy [--problem P] [--batches 32,full] [--reps 3] [--lr 0.01] [--momentum 0.9] [--seed 42]", "");
    long n, d, yn, k;
    const real *x = read_npy(xpath, &n, &d), *y = read_npy(ypath, &yn, &k);
    if (yn != n) fail("X and Y have different row counts:", ypath);
    const int threads = openblas_get_num_threads();
    char list[1024];
    snprintf(list, sizeof list, "%s", batches);
    for (char *label = strtok(list, ","); label; label = strtok(NULL, ",")) {
        const long batch = strcmp(label, "full") == 0 ? n : (atol(label) < n ? atol(label) : n);
        if (batch < 1) fail("bad batch size", label);
        const long p = k * d + k, rows = batch == 1 && k == 1 ? 1 : batch;
        sgd s = {n, d, k, p, x, y, buffer(p * sizeof(real)), buffer(p * sizeof(real)), buffer(p * sizeof(real)),
                 batch >= n ? NULL : buffer((size_t)(rows * d) * sizeof(real)), buffer((size_t)(rows * k) * sizeof(real)),
                 buffer((size_t)n * sizeof(uint32_t)), (real)lr, (real)mu};
        for (long i = 0; i < n; i++) s.order[i] = (uint32_t)i;
        lcg = seed ^ 0x5DEECE66Dull;
        double times[100], sorted[100];
        for (int e = 0; e <= reps; e++) {
            const double t0 = seconds();
            epoch(&s, batch);
            if (e > 0) times[e - 1] = seconds() - t0;
        }
        memcpy(sorted, times, (size_t)reps * sizeof(double));
        qsort(sorted, (size_t)reps, sizeof(double), ascending);
        const double med = reps % 2 ? sorted[reps / 2] : 0.5 * (sorted[reps / 2 - 1] + sorted[reps / 2]);
        printf("{\"impl\": \"c-loop\", \"problem\": \"%s\", \"dtype\": \"%s\", \"batch\": \"%s\", \"threads\": %d, "
               "\"n\": %ld, \"d\": %ld, \"k\": %ld, \"median_s\": %.6g, \"min_s\": %.6g, \"max_s\": %.6g, "
               "\"samples_per_s\": %.6g, \"gbps\": %.6g, \"loss\": %.6g, \"times_s\": [",
               problem, DTYPE, label, threads, n, d, k, med,
               sorted[0], sorted[reps - 1], n / med, (double)n * d * sizeof(real) / med / 1e9, half_mse(&s));
        for (int r = 0; r < reps; r++) printf("%s%.6g", r ? ", " : "", times[r]);
        printf("], \"blas\": \"%s\"}\n", openblas_get_config());
        fflush(stdout);
        fprintf(stderr, "c-loop %s %s b=%s: %.4f s (%.4f-%.4f), %.3g samples/s\n", problem, DTYPE, label, med, sorted[0],
                sorted[reps - 1], n / med);
        free(s.theta); free(s.grad); free(s.vel); free(s.xb); free(s.rb); free(s.order);
    }
    return 0;
}
