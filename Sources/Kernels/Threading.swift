import CKernels

/// Sets how many threads the quantized matrix kernels use (default: the number of online CPUs).
/// Values below 1 mean 1. Takes effect at the next product.
public func setKernelThreads(_ n: Int) {
    ck_set_threads(Int32(clamping: n))
}

/// The number of threads the quantized matrix kernels use.
public func kernelThreads() -> Int { Int(ck_threads()) }
