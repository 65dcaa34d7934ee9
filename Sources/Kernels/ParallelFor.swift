import CKernels
#if canImport(Glibc)
import Glibc
#endif

/// Splits a loop over `count` items into contiguous ranges run on all cores.
///
/// The ranges run on the kernels' thread pool (`ck_pool.c`), the same threads as the matrix
/// products of the encoder and the language model, so the code base has one pool and the cores are
/// never oversubscribed: a call made while the pool is busy (another thread's product, or a nested
/// call) runs its ranges on the calling thread instead.
public enum ParallelFor {
    /// The number of worker ranges used by default: the number of online processors.
    public static let defaultWorkers: Int = {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        return 2
        #endif
    }()

    /// Runs `body` over disjoint subranges of `0..<count`, in parallel when each worker would get at
    /// least `minimumPerWorker` items.
    ///
    /// For example:
    /// ```swift
    /// ParallelFor.ranges(rows, minimumPerWorker: 16) { range in for r in range { normalise(row: r) } }
    /// ```
    public static func ranges(_ count: Int, workers: Int = defaultWorkers, minimumPerWorker: Int = 1,
                              _ body: (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let w = max(1, min(workers, count / max(1, minimumPerWorker)))
        if w == 1 { body(0..<count); return }
        withoutActuallyEscaping(body) { body in
            let box = RangeBody(body)
            withExtendedLifetime(box) {
                ck_parallel_ranges(Int64(count), Int64(w), { context, lo, hi in
                    Unmanaged<RangeBody>.fromOpaque(context!).takeUnretainedValue().body(Int(lo)..<Int(hi))
                }, Unmanaged.passUnretained(box).toOpaque())
            }
        }
    }
}

/// Carries the loop body of one `ranges` call to the pool threads, which all finish before it returns.
private final class RangeBody: @unchecked Sendable {
    let body: (Range<Int>) -> Void
    init(_ body: @escaping (Range<Int>) -> Void) { self.body = body }
}
