// `import Descent` brings in every layer of the library.
@_exported import LinearAlgebra
@_exported import Validation
@_exported import Optimizers
@_exported import Schedules
@_exported import Training
@_exported import DataFiles
@_exported import Collective
#if MPI
@_exported import DescentMPI
#endif
