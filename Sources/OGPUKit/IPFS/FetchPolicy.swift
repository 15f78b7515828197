import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where an IPFS fetch may go. The URLs come from the chain (task configs, response data, source
/// metadata), so a hostile one could point ogpu at this machine or the user's network (a router's
/// admin page, a cloud metadata service at 169.254.169.254) or bounce an https request to plain
/// http. So: only http(s); hosts must be public addresses — loopback is allowed only when the
/// network's own IPFS endpoints are on loopback (the local devnet); a redirect must go to https
/// (to loopback http only where loopback is allowed), at most `maxRedirects` times.
///
/// Known limit: a host name is resolved here and again by libcurl when it connects, so a DNS
/// server that answers differently the second time (rebinding) is not stopped; addresses written
/// as IP literals and names that resolve to private addresses are.
public struct FetchPolicy: Sendable {
    public var allowLoopback: Bool
    public static let maxRedirects = 5

    public init(allowLoopback: Bool) { self.allowLoopback = allowLoopback }

    /// Nil when `url` may be fetched, else why not.
    public func refusal(for url: String, isRedirect: Bool) -> String? {
        let lower = url.lowercased()
        let https = lower.hasPrefix("https://")
        guard https || lower.hasPrefix("http://") else { return "only http(s) URLs are fetched" }
        guard let host = Self.host(of: url), !host.isEmpty else { return "the URL has no host" }
        let loopback = Self.isLoopbackName(host)
        if isRedirect && !https && !(loopback && allowLoopback) {
            return "a redirect to plain http is refused (only https → https)"
        }
        if loopback { return allowLoopback ? nil : "loopback addresses are fetched only on the local network" }
        let addresses = Self.resolve(host)
        if addresses.isEmpty { return nil } // unresolvable: the transfer itself fails with a clear error
        for a in addresses {
            switch Self.classify(a) {
            case .public: continue
            case .loopback: if !allowLoopback { return "\(host) is a loopback address, fetched only on the local network" }
            case .private: return "\(host) is a private or link-local address"
            }
        }
        return nil
    }

    /// The host of an http(s) URL, without user info, port or IPv6 brackets.
    static func host(of url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        var authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            return authority.dropFirst().prefix { $0 != "]" }.lowercased()
        }
        return authority.prefix { $0 != ":" }.lowercased()
    }

    static func isLoopbackName(_ host: String) -> Bool {
        if host == "localhost" || host.hasSuffix(".localhost") { return true }
        if let bytes = ipv4(host) { return bytes[0] == 127 }
        return host == "::1"
    }

    enum AddressClass { case `public`, loopback, `private` }

    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
    static func classify(_ a: [UInt8]) -> AddressClass {
        if a.count == 16 {
            if a[0..<10].allSatisfy({ $0 == 0 }) && a[10] == 0xFF && a[11] == 0xFF { return classify(Array(a[12...])) }
            if a[0..<15].allSatisfy({ $0 == 0 }) { return a[15] == 1 ? .loopback : .private } // ::1, ::
            if a[0] & 0xFE == 0xFC { return .private }                  // fc00::/7 unique local
            if a[0] == 0xFE && a[1] & 0xC0 == 0x80 { return .private }  // fe80::/10 link-local
            if a[0] == 0xFF { return .private }                         // multicast
            return .public
        }
        guard a.count == 4 else { return .private }
        switch (a[0], a[1]) {
        case (127, _): return .loopback
        case (0, _), (10, _), (169, 254), (192, 168): return .private
        case (172, 16...31), (100, 64...127): return .private
        case (224...255, _): return .private
        default: return .public
        }
    }

    static func ipv4(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }

    /// Every address `host` resolves to (literals included), empty when it does not resolve.
    static func resolve(_ host: String) -> [[UInt8]] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>? = nil
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var out: [[UInt8]] = []
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let info = next {
            if let sa = info.pointee.ai_addr {
                if info.pointee.ai_family == AF_INET {
                    sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        let v = UInt32(bigEndian: $0.pointee.sin_addr.s_addr)
                        out.append([UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)])
                    }
                } else if info.pointee.ai_family == AF_INET6 {
                    sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        var addr = $0.pointee.sin6_addr
                        out.append(withUnsafeBytes(of: &addr) { Array($0) })
                    }
                }
            }
            next = info.pointee.ai_next
        }
        return out
    }
}
