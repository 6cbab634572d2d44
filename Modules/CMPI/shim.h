// MPI for Swift. The handles Swift needs are macros in mpi.h that it cannot import from Open MPI
// (they expand to casts of the addresses of library globals) and that differ from MPICH's (integer
// constants), so each one is wrapped in an inline function with a name of its own. Plain integer
// macros (MPI_SUCCESS, MPI_THREAD_FUNNELED, MPI_MAX_ERROR_STRING, …) import as they are.
// Linking comes from pkg-config (`mpi-c`: -lmpi for Open MPI, -lmpich for MPICH).
#include <mpi.h>

static inline MPI_Comm descent_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype descent_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype descent_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype descent_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op descent_mpi_sum(void) { return MPI_SUM; }
static inline void *descent_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Errhandler descent_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
