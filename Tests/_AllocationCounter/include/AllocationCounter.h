// Counts heap allocations made by the calling thread between start and stop, for the tests that
// check that a training step allocates nothing. On glibc the test binary's malloc, calloc, realloc,
// memalign, aligned_alloc and posix_memalign forward to glibc's own (__libc_malloc, …) and count
// while the thread's counter is on.
#include <stddef.h>

void descent_allocations_start(void);
/// The number of allocations since descent_allocations_start on this thread.
long descent_allocations_stop(void);
/// Whether counting works in this build (glibc); elsewhere the tests are reported as skipped.
int descent_allocations_supported(void);
