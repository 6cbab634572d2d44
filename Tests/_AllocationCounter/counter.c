#include "AllocationCounter.h"

#if defined(__GLIBC__)
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static __thread int counting = 0;
static __thread long count = 0;

void *malloc(size_t n) { if (counting) count++; return __libc_malloc(n); }
void *calloc(size_t n, size_t size) { if (counting) count++; return __libc_calloc(n, size); }
void *realloc(void *p, size_t n) { if (counting) count++; return __libc_realloc(p, n); }

void descent_allocations_start(void) { count = 0; counting = 1; }
long descent_allocations_stop(void) { counting = 0; return count; }
int descent_allocations_supported(void) { return 1; }
#else
void descent_allocations_start(void) {}
long descent_allocations_stop(void) { return 0; }
int descent_allocations_supported(void) { return 0; }
#endif
