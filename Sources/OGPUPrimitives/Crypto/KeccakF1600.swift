// Keccak-f[1600], the permutation under Keccak-256 (and SHA-3).
//
// Speed comes from three things, as in the Keccak team's optimised 64-bit code (XKCP "opt64"):
//  * the 25 lanes live in locals for all 24 rounds, so the compiler keeps what it can in registers and the
//    heap is never touched;
//  * each round is written out in full (theta, rho+pi, chi, iota of FIPS 202 §3.2; lane aNN is index
//    x + 5·y, bXY is the rho+pi output at (x, y), eNN the round's result). Rows are finished one at a time,
//    and the theta column parities c0…c4 for the next round are accumulated as chi produces each lane,
//    which keeps few values live at once and so spills less on x86-64's 16 registers;
//  * lane complementing ("bebigokimisa"): lanes 1, 2, 8, 12, 17, 20 are kept inverted inside the loop, which
//    turns most of chi's `~b & c` into a single AND or OR and saves ~20 NOTs per round on CPUs without ANDN.
//    Each row's chi formulas differ to match; the vectors in Keccak256Tests would catch any slip.

/// The 24 iota round constants (FIPS 202 §3.2.5).
private let roundConstants: [UInt64] = [
    0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
    0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
    0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
    0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
    0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
    0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
]

@inline(__always)
private func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 {
    (x &<< n) | (x &>> (64 &- n))
}

/// Applies Keccak-f[1600] in place to the 25 lanes at `s` (lane x + 5·y at index x + 5·y).
@inline(never)
func keccakF1600(_ s: UnsafeMutablePointer<UInt64>) {
    var a00 = s[0]
    var a01 = ~s[1]
    var a02 = ~s[2]
    var a03 = s[3]
    var a04 = s[4]
    var a05 = s[5]
    var a06 = s[6]
    var a07 = s[7]
    var a08 = ~s[8]
    var a09 = s[9]
    var a10 = s[10]
    var a11 = s[11]
    var a12 = ~s[12]
    var a13 = s[13]
    var a14 = s[14]
    var a15 = s[15]
    var a16 = s[16]
    var a17 = ~s[17]
    var a18 = s[18]
    var a19 = s[19]
    var a20 = ~s[20]
    var a21 = s[21]
    var a22 = s[22]
    var a23 = s[23]
    var a24 = s[24]
    var c0 = a00 ^ a05 ^ a10 ^ a15 ^ a20
    var c1 = a01 ^ a06 ^ a11 ^ a16 ^ a21
    var c2 = a02 ^ a07 ^ a12 ^ a17 ^ a22
    var c3 = a03 ^ a08 ^ a13 ^ a18 ^ a23
    var c4 = a04 ^ a09 ^ a14 ^ a19 ^ a24
    for rc in roundConstants {
        let d0 = c4 ^ rotl(c1, 1)
        let d1 = c0 ^ rotl(c2, 1)
        let d2 = c1 ^ rotl(c3, 1)
        let d3 = c2 ^ rotl(c4, 1)
        let d4 = c3 ^ rotl(c0, 1)
        let b00 = a00 ^ d0
        let b10 = rotl(a06 ^ d1, 44)
        let b20 = rotl(a12 ^ d2, 43)
        let b30 = rotl(a18 ^ d3, 21)
        let b40 = rotl(a24 ^ d4, 14)
        let e00 = b00 ^ (b10 | b20) ^ rc
        c0 = e00
        let e01 = b10 ^ (~b20 | b30)
        c1 = e01
        let e02 = b20 ^ (b30 & b40)
        c2 = e02
        let e03 = b30 ^ (b40 | b00)
        c3 = e03
        let e04 = b40 ^ (b00 & b10)
        c4 = e04
        let b01 = rotl(a03 ^ d3, 28)
        let b11 = rotl(a09 ^ d4, 20)
        let b21 = rotl(a10 ^ d0, 3)
        let b31 = rotl(a16 ^ d1, 45)
        let b41 = rotl(a22 ^ d2, 61)
        let e05 = b01 ^ (b11 | b21)
        c0 ^= e05
        let e06 = b11 ^ (b21 & b31)
        c1 ^= e06
        let e07 = b21 ^ (b31 | ~b41)
        c2 ^= e07
        let e08 = b31 ^ (b41 | b01)
        c3 ^= e08
        let e09 = b41 ^ (b01 & b11)
        c4 ^= e09
        let b02 = rotl(a01 ^ d1, 1)
        let b12 = rotl(a07 ^ d2, 6)
        let b22 = rotl(a13 ^ d3, 25)
        let b32 = rotl(a19 ^ d4, 8)
        let b42 = rotl(a20 ^ d0, 18)
        let e10 = b02 ^ (b12 | b22)
        c0 ^= e10
        let e11 = b12 ^ (b22 & b32)
        c1 ^= e11
        let e12 = b22 ^ (~b32 & b42)
        c2 ^= e12
        let e13 = ~b32 ^ (b42 | b02)
        c3 ^= e13
        let e14 = b42 ^ (b02 & b12)
        c4 ^= e14
        let b03 = rotl(a04 ^ d4, 27)
        let b13 = rotl(a05 ^ d0, 36)
        let b23 = rotl(a11 ^ d1, 10)
        let b33 = rotl(a17 ^ d2, 15)
        let b43 = rotl(a23 ^ d3, 56)
        let e15 = b03 ^ (b13 & b23)
        c0 ^= e15
        let e16 = b13 ^ (b23 | b33)
        c1 ^= e16
        let e17 = b23 ^ (~b33 | b43)
        c2 ^= e17
        let e18 = ~b33 ^ (b43 & b03)
        c3 ^= e18
        let e19 = b43 ^ (b03 | b13)
        c4 ^= e19
        let b04 = rotl(a02 ^ d2, 62)
        let b14 = rotl(a08 ^ d3, 55)
        let b24 = rotl(a14 ^ d4, 39)
        let b34 = rotl(a15 ^ d0, 41)
        let b44 = rotl(a21 ^ d1, 2)
        let e20 = b04 ^ (~b14 & b24)
        c0 ^= e20
        let e21 = ~b14 ^ (b24 | b34)
        c1 ^= e21
        let e22 = b24 ^ (b34 & b44)
        c2 ^= e22
        let e23 = b34 ^ (b44 | b04)
        c3 ^= e23
        let e24 = b44 ^ (b04 & b14)
        c4 ^= e24
        a00 = e00
        a01 = e01
        a02 = e02
        a03 = e03
        a04 = e04
        a05 = e05
        a06 = e06
        a07 = e07
        a08 = e08
        a09 = e09
        a10 = e10
        a11 = e11
        a12 = e12
        a13 = e13
        a14 = e14
        a15 = e15
        a16 = e16
        a17 = e17
        a18 = e18
        a19 = e19
        a20 = e20
        a21 = e21
        a22 = e22
        a23 = e23
        a24 = e24
    }
    s[0] = a00
    s[1] = ~a01
    s[2] = ~a02
    s[3] = a03
    s[4] = a04
    s[5] = a05
    s[6] = a06
    s[7] = a07
    s[8] = ~a08
    s[9] = a09
    s[10] = a10
    s[11] = a11
    s[12] = ~a12
    s[13] = a13
    s[14] = a14
    s[15] = a15
    s[16] = a16
    s[17] = ~a17
    s[18] = a18
    s[19] = a19
    s[20] = ~a20
    s[21] = a21
    s[22] = a22
    s[23] = a23
    s[24] = a24
}
