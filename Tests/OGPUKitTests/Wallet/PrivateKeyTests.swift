import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class PrivateKeyTests: XCTestCase {
    private func checkAddresses(_ file: String, key: String, address: String, list: [[String: Any]]) throws -> Int {
        var count = 0
        for item in list {
            let k = try PrivateKey(hex: item[key] as! String)
            let expected = item[address] as! String
            XCTAssertEqual(k.address.checksummed, expected.hasPrefix("0x") ? expected : "0x" + expected, "\(file) \(item)")
            count += 1
        }
        print("\(file): \(count) vectors")
        XCTAssertGreaterThan(count, 0)
        return count
    }

    func testReferenceKeys() throws {
        let root = try SharedVectors.json("reference/keys.json", exactLongIntegers: true) as! [String: Any]
        _ = try checkAddresses("reference/keys.json", key: "private_key", address: "address",
                               list: root["cases"] as! [[String: Any]])
    }

    func testEthersAccounts() throws {
        let list = try SharedVectors.json("ethers/accounts.json", exactLongIntegers: true) as! [[String: Any]]
        _ = try checkAddresses("ethers/accounts.json", key: "privateKey", address: "address", list: list)
    }

    /// BasicTests/keyaddrtest.json: key → address. Its `sig_of_emptystring` fields are not checked: they
    /// recover to the key's address under no standard digest of "" (keccak, sha256, sha3-256, zero hash,
    /// personal_sign prefix were all tried with eth-keys too), so they cannot be reproduced by anyone.
    func testKeyAddrTest() throws {
        let list = try SharedVectors.json("ethereum-tests/BasicTests/keyaddrtest.json", exactLongIntegers: true) as! [[String: Any]]
        for item in list {
            let key = try PrivateKey(hex: item["key"] as! String)
            XCTAssertEqual(Hex.encode(key.address.bytes, prefix: false), item["addr"] as! String)
        }
        print("BasicTests/keyaddrtest.json: \(list.count) vectors")
        XCTAssertGreaterThan(list.count, 0)
    }

    func testNeverPrintsKeyMaterial() throws {
        let hex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
        let key = try PrivateKey(hex: "0x" + hex)
        var dumped = ""
        dump(key, to: &dumped)
        let renderings = [key.description, key.debugDescription, "\(key)", String(reflecting: key), dumped,
                          "\(Mirror(reflecting: key).children.map { "\($0.label ?? ""):\($0.value)" })"]
        for text in renderings {
            XCTAssertTrue(text.contains("redacted") || text.contains(key.address.checksummed), text)
            // No 6-digit window of the key appears anywhere.
            let chars = Array(hex)
            for i in 0...(chars.count - 6) {
                XCTAssertFalse(text.lowercased().contains(String(chars[i..<i + 6])), "leaked key fragment in: \(text)")
            }
        }
        XCTAssertEqual(key.description, "PrivateKey(0x…redacted, address \(key.address.checksummed))")
    }

    func testRejectsInvalidKeysWithoutEchoingThem() throws {
        let order = Hex.encode(Secp256k1.order, prefix: false)
        let cases: [(String, PrivateKey.Error)] = [
            (String(repeating: "0", count: 64), .outOfRange),
            (order, .outOfRange),
            ("0x" + String(repeating: "f", count: 64), .outOfRange),
            ("0x1234", .wrongDigitCount(4)),
            ("", .wrongDigitCount(0)),
            ("0x", .wrongDigitCount(0)),
            ("0x" + String(repeating: "a", count: 63), .wrongDigitCount(63)),
            ("0x" + String(repeating: "a", count: 64) + " 1", .wrongDigitCount(66)),
            ("0x" + String(repeating: "ab", count: 31) + "zz", .notHex(offset: 64)),
            (String(repeating: "ab", count: 31) + "g1", .notHex(offset: 62)),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try PrivateKey(hex: text)) { error in
                XCTAssertEqual(error as? PrivateKey.Error, expected, text)
                let message = "\(error)"
                if text.count >= 8 { XCTAssertFalse(message.contains(String(text.suffix(8))), message) }
            }
        }
        // A key read from a file keeps its newline; that is not an error.
        let padded = try PrivateKey(hex: "  0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318\n")
        XCTAssertEqual(padded.address, try PrivateKey(hex: "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318").address)
        // n - 1 is the largest valid key.
        var nMinus1 = Secp256k1.order
        nMinus1[31] -= 1
        XCTAssertNoThrow(try PrivateKey(bytes: nMinus1))
        XCTAssertThrowsError(try PrivateKey(bytes: [UInt8](repeating: 1, count: 33)))
    }

    func testSignRecoverRoundTripAndLowS() throws {
        for _ in 0..<20 {
            let key = PrivateKey.random()
            let hash = Keccak256.hash(Array("message \(key.address.checksummed)".utf8))
            let sig = try key.sign(hash: hash)
            XCTAssertTrue(Secp256k1.isLowS(sig.s))
            XCTAssertLessThan(sig.recoveryId, 2)
            XCTAssertEqual(try recoverAddress(hash: hash, signature: sig), key.address)
            XCTAssertEqual(try key.sign(hash: hash), sig, "RFC 6979 signing is deterministic")
        }
    }

    func testRecoveryRejectsOutOfRangeScalars() throws {
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let hash = Keccak256.hash([1, 2, 3])
        let sig = try key.sign(hash: hash)
        let zero = [UInt8](repeating: 0, count: 32)
        for bad in [try Signature(r: zero, s: sig.s, recoveryId: sig.recoveryId),
                    try Signature(r: sig.r, s: zero, recoveryId: sig.recoveryId),
                    try Signature(r: Secp256k1.order, s: sig.s, recoveryId: sig.recoveryId),
                    try Signature(r: sig.r, s: Secp256k1.order, recoveryId: sig.recoveryId),
                    try Signature(r: sig.r, s: sig.s, recoveryId: 2)] {
            XCTAssertThrowsError(try recoverAddress(hash: hash, signature: bad))
        }
        XCTAssertThrowsError(try key.sign(hash: [1, 2, 3]))
    }
}
