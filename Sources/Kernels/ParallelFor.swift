import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Splits a loop over `count` items into contiguous ranges run on all cores (one range per worker).
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
            let box = ParallelForBox(body)
            DispatchQueue.concurrentPerform(iterations: w) { i in
                let lo = count * i / w, hi = count * (i + 1) / w
                if lo < hi { box.value(lo..<hi) }
            }
        }
    }
}

/// Carries the loop body to the workers of one `ranges` call, which all finish before it returns.
private struct ParallelForBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
