#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUPrimitives

extension SendJournal {
    /// How many transactions per chain id have no known outcome — what every session checks at
    /// start (the "earlier session" hint). Reading the whole journal costs in proportion to every
    /// transaction ever sent (a 300 KB journal took ~80 M instructions, more than everything else a
    /// start does), so the answer is kept beside the journal (`<journal>.unresolved`) with the
    /// journal's size and modification time, and worked out again only when the journal changed.
    /// The cache is only a shortcut for this count: nothing that signs or settles reads it.
    public func unresolvedCountsByChain() throws -> [UInt64: Int] {
        let cachePath = path + ".unresolved"
        guard let stamp = Self.stamp(path) else { return [:] }
        if let text = try? String(contentsOfFile: cachePath, encoding: .utf8), let counts = Self.parseCache(text, stamp: stamp) {
            return counts
        }
        var counts: [UInt64: Int] = [:]
        for e in try entries() where e.latest.isUnresolved {
            if let c = e.chainId { counts[c, default: 0] += 1 }
        }
        // Written only if the journal did not change while it was read; a failed write just means
        // the next start reads the journal again.
        if Self.stamp(path) == stamp {
            let body = "\(stamp)\n" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n")
            let tmp = cachePath + ".\(getpid())"
            if (try? body.write(toFile: tmp, atomically: false, encoding: .utf8)) != nil {
                chmod(tmp, 0o600)
                if rename(tmp, cachePath) != 0 { unlink(tmp) }
            }
        }
        return counts
    }

    /// The journal's size and modification time (nanoseconds): appends change both.
    static func stamp(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return "\(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    }

    static func parseCache(_ text: String, stamp: String) -> [UInt64: Int]? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first == stamp else { return nil }
        lines.removeFirst()
        var counts: [UInt64: Int] = [:]
        for line in lines where !line.isEmpty {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let chain = UInt64(parts[0]), let n = Int(parts[1]), n > 0 else { return nil }
            counts[chain] = n
        }
        return counts
    }
}
