#if canImport(Glibc)
import Glibc
#endif

/// How a script run's heap grows. A script builds and drops large lists and strings in bursts
/// (`interp` joins 60,000 lines and splits them again; `push` builds 150,000 rows). With glibc's
/// defaults the heap's top is given back to the kernel whenever 128 KB of it is free, and taken
/// again (and faulted in page by page) the next moment: half of `interp`'s and `push`'s time was
/// system time. Keeping up to 64 MB of freed top and growing 16 MB at a time measured, hyperfine
/// 20 runs in one run (bench/lang, Dec 2026): system time interp 17.3 → 10.0 ms, push 20.8 → 12.6 ms,
/// json_roundtrip 28.9 → 24.9 ms; best wall interp 44.5 → 40.1 ms, push 52.0 → 44.8 ms; peak RSS
/// within 1.3 MB (memory not touched is not resident).
/// Only script runs (`ogpu FILE`, `-e`, stdin) ask for it: a REPL, kernel or server may run for
/// days and should give memory back.
enum ScriptHeap {
    static func tune() {
        #if canImport(Glibc)
        // mallopt is not in the Glibc module (malloc.h); looked up once. The option numbers are
        // malloc.h's M_TRIM_THRESHOLD (-1) and M_TOP_PAD (-2).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        _ = mallopt(-1, 64 << 20)
        _ = mallopt(-2, 16 << 20)
        #endif
    }
}
