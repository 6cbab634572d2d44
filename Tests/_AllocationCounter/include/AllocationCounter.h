// Counts heap allocations made by the calling thread between start and stop, for the tests that
// check that a training step allocates nothing. The test binary's malloc, calloc and realloc
// forward to glibc's own (__libc_malloc, …) and count while the thread's counter is on.
#include <stddef.h>

void descent_allocations_start(void);
/// The number of allocations since descent_allocations_start on this thread.
long descent_allocations_stop(void);
/// Whether counting works in this build (glibc); the tests skip the check otherwise.
int descent_allocations_supported(void);
