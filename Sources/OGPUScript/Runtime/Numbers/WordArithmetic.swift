import BigInt

/// Products and quotients of big integers on their 64-bit words, for `*`, `//` and `%` of ints past
/// 64 bits. The BigInt library's own run unspecialised from this module (its word operations go
/// through generic `FixedWidthInteger` code): on bench/lang/bigint (1500!, then `(x*x + i) % m`
/// with a 3000-bit m) its multiply cost ~100 instructions a word product and its division ~160 a
/// word step. These loops use the processor's 64×64→128 multiply and 128/64 divide directly.
/// Tested against the library on random and edge-case operands (BigWordArithmeticTests).
enum WordArithmetic {
    /// Schoolbook product of two little-endian word arrays (no leading zero words needed).
    static func multiply(_ a: [UInt], _ b: [UInt]) -> [UInt] {
        if a.isEmpty || b.isEmpty { return [] }
        var r = [UInt](repeating: 0, count: a.count + b.count)
        r.withUnsafeMutableBufferPointer { r in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    for i in 0..<a.count {
                        let ai = a[i]
                        if ai == 0 { continue }
                        var carry: UInt = 0
                        for j in 0..<b.count {
                            // ai·b[j] + r[i+j] + carry ≤ (B-1)² + 2(B-1) = B² - 1: fits two words.
                            let (hi, lo) = ai.multipliedFullWidth(by: b[j])
                            let (s1, c1) = lo.addingReportingOverflow(r[i &+ j])
                            let (s2, c2) = s1.addingReportingOverflow(carry)
                            r[i &+ j] = s2
                            carry = hi &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
                        }
                        r[i &+ b.count] = carry
                    }
                }
            }
        }
        return trimmed(r)
    }

    /// Truncated quotient and remainder of `u / v` (Knuth, TAOCP vol. 2, 4.3.1, algorithm D).
    /// `v` must not be zero.
    static func divide(_ u: [UInt], _ v: [UInt]) -> (quotient: [UInt], remainder: [UInt]) {
        let u = trimmed(u), v = trimmed(v)
        precondition(!v.isEmpty, "division by zero")
        if compare(u, v) < 0 { return ([], u) }
        let n = v.count
        if n == 1 {
            var q = [UInt](repeating: 0, count: u.count)
            var r: UInt = 0
            for i in stride(from: u.count - 1, through: 0, by: -1) {
                (q[i], r) = v[0].dividingFullWidth((high: r, low: u[i]))
            }
            return (trimmed(q), r == 0 ? [] : [r])
        }
        // D1: normalise so that the divisor's top word has its top bit set.
        let s = v[n - 1].leadingZeroBitCount
        let vn = shiftedLeft(v, by: s, extraWord: false)
        var un = shiftedLeft(u, by: s, extraWord: true)
        let m = u.count - n
        var q = [UInt](repeating: 0, count: m + 1)
        var product = [UInt](repeating: 0, count: n + 1)
        for j in stride(from: m, through: 0, by: -1) {
            // D3: estimate the quotient word from the top two words of the remainder.
            var qhat: UInt, rhat: UInt
            var rhatOverflowed = false
            if un[j + n] >= vn[n - 1] {
                qhat = UInt.max
                (rhat, rhatOverflowed) = un[j + n - 1].addingReportingOverflow(vn[n - 1])
            } else {
                (qhat, rhat) = vn[n - 1].dividingFullWidth((high: un[j + n], low: un[j + n - 1]))
            }
            while !rhatOverflowed {
                let (ph, pl) = qhat.multipliedFullWidth(by: vn[n - 2])
                guard ph > rhat || (ph == rhat && pl > un[j + n - 2]) else { break }
                qhat -= 1
                (rhat, rhatOverflowed) = rhat.addingReportingOverflow(vn[n - 1])
            }
            // D4: subtract qhat·v from the remainder's window.
            var carry: UInt = 0
            for i in 0..<n {
                let (hi, lo) = qhat.multipliedFullWidth(by: vn[i])
                let (s1, c1) = lo.addingReportingOverflow(carry)
                product[i] = s1
                carry = hi &+ (c1 ? 1 : 0)
            }
            product[n] = carry
            var borrow = false
            for i in 0...n {
                let (d1, b1) = un[j + i].subtractingReportingOverflow(product[i])
                let (d2, b2) = d1.subtractingReportingOverflow(borrow ? 1 : 0)
                un[j + i] = d2
                borrow = b1 || b2
            }
            // D6: the estimate was one too large (rare): add v back.
            if borrow {
                qhat -= 1
                var c = false
                for i in 0..<n {
                    let (s1, o1) = un[j + i].addingReportingOverflow(vn[i])
                    let (s2, o2) = s1.addingReportingOverflow(c ? 1 : 0)
                    un[j + i] = s2
                    c = o1 || o2
                }
                un[j + n] &+= c ? 1 : 0
            }
            q[j] = qhat
        }
        // D8: the remainder is the low n words, shifted back.
        var r = [UInt](repeating: 0, count: n)
        for i in 0..<n {
            r[i] = s == 0 ? un[i] : (un[i] >> UInt(s)) | (un[i + 1] << UInt(64 - s))
        }
        return (trimmed(q), trimmed(r))
    }

    static func compare(_ a: [UInt], _ b: [UInt]) -> Int {
        if a.count != b.count { return a.count < b.count ? -1 : 1 }
        for i in stride(from: a.count - 1, through: 0, by: -1) where a[i] != b[i] {
            return a[i] < b[i] ? -1 : 1
        }
        return 0
    }

    static func trimmed(_ a: [UInt]) -> [UInt] {
        var a = a
        while let last = a.last, last == 0 { a.removeLast() }
        return a
    }

    private static func shiftedLeft(_ a: [UInt], by s: Int, extraWord: Bool) -> [UInt] {
        var r = [UInt](repeating: 0, count: a.count + (extraWord ? 1 : 0))
        if s == 0 {
            for i in 0..<a.count { r[i] = a[i] }
            return r
        }
        var carry: UInt = 0
        for i in 0..<a.count {
            r[i] = (a[i] << UInt(s)) | carry
            carry = a[i] >> UInt(64 - s)
        }
        if extraWord { r[a.count] = carry }
        return r
    }
}

extension BigInt {
    /// `self * y` through `WordArithmetic` when both have more than one word.
    func times(_ y: BigInt) -> BigInt {
        let a = Array(magnitude.words), b = Array(y.magnitude.words)
        if a.count < 2 && b.count < 2 { return self * y }
        return BigInt.signed(sign != y.sign, WordArithmetic.multiply(a, b))
    }

    /// Truncated quotient and remainder (the remainder has the dividend's sign), as the
    /// library's `quotientAndRemainder(dividingBy:)`; `y` must not be zero.
    func dividedTruncating(by y: BigInt) -> (quotient: BigInt, remainder: BigInt) {
        let a = Array(magnitude.words), b = Array(y.magnitude.words)
        if a.count < 2 { return quotientAndRemainder(dividingBy: y) }
        let (q, r) = WordArithmetic.divide(a, b)
        return (BigInt.signed(sign != y.sign, q), BigInt.signed(sign == .minus, r))
    }

    private static func signed(_ negative: Bool, _ words: [UInt]) -> BigInt {
        let m = BigUInt(words: words)
        return BigInt(sign: negative && !m.isZero ? .minus : .plus, magnitude: m)
    }
}
