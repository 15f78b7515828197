import BigInt

/// `0.01 OGPU`: wei shown as the shortest exact decimal number of OGPU (§2).
public enum AmountFormat {
    public static func format(_ wei: BigUInt) -> String {
        ogpu(wei).description + " OGPU"
    }

    /// The amount in OGPU as an exact decimal (`a.ogpu`).
    public static func ogpu(_ wei: BigUInt) -> Dec {
        Dec(mantissa: BigInt(wei), scale: 18)
    }
}

/// Durations print from the largest unit down with zero parts omitted (`1d12h`, `1h30m`,
/// `1s500ms`, `0s`, `-5m`); whatever is below a second prints as (possibly fractional) ms.
public enum DurationFormat {
    static let units: [(String, Int)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    public static func format(_ seconds: Dec) -> String {
        if seconds.isZero { return "0s" }
        if seconds.isNegative { return "-" + format(-seconds) }
        var whole = seconds.floorInteger
        let fraction = seconds - Dec(whole)
        var out = ""
        for (name, size) in units {
            let (q, r) = whole.quotientAndRemainder(dividingBy: BigInt(size))
            if !q.isZero { out += q.description + name }
            whole = r
        }
        if !fraction.isZero { out += (fraction * Dec(1000)).description + "ms" }
        return out
    }
}

/// Times print as ISO-8601 in UTC, `2025-01-01T00:00:00Z`; a fractional second shows its exact
/// digits (`…:00.25Z`).
public enum TimeFormat {
    public static func iso(_ unix: Dec) -> String {
        let whole = unix.floorInteger
        guard let secs = Int(exactly: whole), secs > -(1 << 50), secs < 1 << 50 else { return "time(\(unix))" }
        let fraction = unix - Dec(whole)
        let days = Dec.floorDiv(secs, 86_400)!
        let rest = secs - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        var out = y >= 0 && y <= 9999 ? pad(y, 4) : String(y)
        out += "-" + pad(m, 2) + "-" + pad(d, 2)
        out += "T" + pad(rest / 3600, 2) + ":" + pad(rest % 3600 / 60, 2) + ":" + pad(rest % 60, 2)
        if !fraction.isZero {
            let text = fraction.description  // "0.25"
            out += text.dropFirst(1)
        }
        return out + "Z"
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Days since 1970-01-01 → proleptic Gregorian (year, month, day); H. Hinnant's algorithm.
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// (year, month, day) → days since 1970-01-01.
    static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Parses `2025-01-01T00:00:00Z` (also `…T00:00:00.5Z`, `…+02:00`, or a bare date) to unix seconds.
    public static func parse(_ text: String) -> Dec? {
        let b = Array(text.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from..<from + count {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let y = num(0, 4), b.count >= 10, b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var seconds = Dec(days(fromCivil: y, mo, d) * 86_400)
        if b.count == 10 { return seconds }
        guard b.count >= 20, b[10] == 84 || b[10] == 116 || b[10] == 32, let h = num(11, 2), b[13] == 58,
              let mi = num(14, 2), b[16] == 58, let s = num(17, 2), h < 24, mi < 60, s < 61 else { return nil }
        seconds = seconds + Dec(h * 3600 + mi * 60 + s)
        var i = 19
        if b[i] == 46 {
            var j = i + 1
            while j < b.count, b[j] >= 48, b[j] <= 57 { j += 1 }
            guard j > i + 1, let f = Dec(parsing: "0." + String(decoding: b[(i + 1)..<j], as: UTF8.self)) else { return nil }
            seconds = seconds + f
            i = j
        }
        guard i < b.count else { return nil }
        if (b[i] == 90 || b[i] == 122) && i + 1 == b.count { return seconds }
        guard b[i] == 43 || b[i] == 45, i + 6 == b.count, let oh = num(i + 1, 2), b[i + 3] == 58, let om = num(i + 4, 2) else {
            return nil
        }
        let offset = Dec(oh * 3600 + om * 60)
        return b[i] == 43 ? seconds - offset : seconds + offset
    }
}
