#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Times as text, through the C library's calendar instead of Foundation's DateFormatter (which
/// would link ICU's 30 MB of data into the binary). `ClockTextTests` compares both.
public enum ClockText {
    /// "2026-12-05 21:16:23Z": the UTC time `seconds` after 1970, whole seconds (fractions dropped
    /// towards the past, as DateFormatter does).
    public static func utc(_ seconds: Double) -> String {
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return format(parts, "%Y-%m-%d %H:%M:%SZ")
    }

    /// "21:16:23": the local time now (the TZ variable's zone, else the system's).
    public static func localNow() -> String { local(Double(time(nil))) }

    /// "21:16:23": the local time `seconds` after 1970.
    public static func local(_ seconds: Double) -> String {
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        localtime_r(&t, &parts)
        return format(parts, "%H:%M:%S")
    }

    private static func format(_ parts: tm, _ pattern: String) -> String {
        var parts = parts
        var buffer = [CChar](repeating: 0, count: 64)
        let n = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
