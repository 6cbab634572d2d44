// <stdlib.h> first: it includes <features.h>, which is what defines __GLIBC__ on glibc, so the
// test below sees the C library actually in use.
#include <stdlib.h>
#include "AllocationCounter.h"

#if defined(__GLIBC__)
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

#include <execinfo.h>
#include <unistd.h>

static __thread int counting = 0;
static __thread long count = 0;
static __thread int tracing = 0;

// With DESCENT_ALLOCATION_TRACE set in the environment, every counted allocation also writes its
// call stack to standard error (addresses; symbolise with addr2line), to find where it comes from.
static int trace_wanted = -1;

static void counted(void) {
    if (!counting || tracing) return;   // not the tracer's own allocations
    count++;
    if (trace_wanted < 0) trace_wanted = getenv("DESCENT_ALLOCATION_TRACE") != NULL;
    if (trace_wanted && !tracing) {
        tracing = 1;
        void *frames[48];
        int n = backtrace(frames, 48);
        static const char line[] = "--- counted allocation\n";
        write(2, line, sizeof line - 1);
        backtrace_symbols_fd(frames, n, 2);
        tracing = 0;
    }
}

// Every entry point that hands out a new block counts once; free does not count.
void *malloc(size_t n) { counted(); return __libc_malloc(n); }
void *calloc(size_t n, size_t size) { counted(); return __libc_calloc(n, size); }
void *realloc(void *p, size_t n) { counted(); return __libc_realloc(p, n); }
// Swift's runtime asks for blocks aligned beyond 16 bytes through these.
void *memalign(size_t alignment, size_t n) { counted(); return __libc_memalign(alignment, n); }
void *aligned_alloc(size_t alignment, size_t n) { counted(); return __libc_memalign(alignment, n); }
int posix_memalign(void **out, size_t alignment, size_t n) {
    counted();
    if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return 22;  // EINVAL
    void *p = __libc_memalign(alignment, n);
    if (p == NULL && n != 0) return 12;  // ENOMEM
    *out = p;
    return 0;
}

void descent_allocations_start(void) { count = 0; counting = 1; }
long descent_allocations_stop(void) { counting = 0; return count; }
int descent_allocations_supported(void) { return 1; }
#else
void descent_allocations_start(void) {}
long descent_allocations_stop(void) { return 0; }
int descent_allocations_supported(void) { return 0; }
#endif
