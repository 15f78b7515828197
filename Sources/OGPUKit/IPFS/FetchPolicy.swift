import OGPUPrimitives
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
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
/// A host name is resolved once, here: the addresses checked are the ones libcurl connects to
/// (`Decision.allow` carries them as `CURLOPT_RESOLVE` pins), so a DNS server that answers a
/// public address first and a private one second (rebinding) gains nothing.
public struct FetchPolicy: Sendable {
    public var allowLoopback: Bool
    public static let maxRedirects = 5

    public init(allowLoopback: Bool) { self.allowLoopback = allowLoopback }

    public enum Decision: Equatable {
        /// Fetch, connecting only to these addresses (`host:port:address` pins for libcurl).
        case allow(pins: [String])
        case refuse(String)
    }

    /// Nil when `url` may be fetched, else why not.
    public func refusal(for url: String, isRedirect: Bool) -> String? {
        if case .refuse(let why) = decide(url, isRedirect: isRedirect) { return why }
        return nil
    }

    public func decide(_ url: String, isRedirect: Bool) -> Decision {
        let lower = url.lowercased()
        let https = lower.hasPrefix("https://")
        guard https || lower.hasPrefix("http://") else { return .refuse("only http(s) URLs are fetched") }
        guard let host = Self.host(of: url), !host.isEmpty else { return .refuse("the URL has no host") }
        let loopbackName = Self.isLoopbackName(host)
        if isRedirect && !https && !(loopbackName && allowLoopback) {
            return .refuse("a redirect to plain http is refused (only https → https)")
        }
        if loopbackName && !allowLoopback { return .refuse("loopback addresses are fetched only on the local network") }
        let addresses = Self.resolve(host)
        // Unresolvable: nothing to pin; the transfer itself fails with a clear error.
        if addresses.isEmpty { return .allow(pins: []) }
        for a in addresses {
            switch Self.classify(a) {
            case .public: continue
            case .loopback:
                if !allowLoopback { return .refuse("\(host) is a loopback address, fetched only on the local network") }
            case .private: return .refuse("\(host) is a private or link-local address")
            }
        }
        let port = Self.port(of: url) ?? (https ? 443 : 80)
        let pinnedHost = host.contains(":") ? "[\(host)]" : host
        return .allow(pins: addresses.map { "\(pinnedHost):\(port):\(Self.text($0))" })
    }

    static func port(of url: String) -> Int? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        var authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") { authority = authority[authority.index(after: close)...] }
        guard let colon = authority.lastIndex(of: ":") else { return nil }
        return Int(authority[authority.index(after: colon)...])
    }

    /// An address as libcurl's resolve list wants it (IPv6 in brackets).
    static func text(_ a: [UInt8]) -> String {
        if a.count == 4 { return a.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { String(UInt16(a[$0]) << 8 | UInt16(a[$0 + 1]), radix: 16) }
        return "[" + groups.joined(separator: ":") + "]"
    }

    /// The host of an http(s) URL, without user info, port or IPv6 brackets.
    static func host(of url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
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
