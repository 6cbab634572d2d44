import Descent

print("Descent: BLAS core \(BLASRuntime.coreName), \(BLASRuntime.threads) threads")
