import CryptoExtras
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class KeystoreTests: XCTestCase {
    private func secretHex(_ key: PrivateKey) -> String { key.withUnsafeBytes { Hex.encode($0, prefix: false) } }

    private func jsonData(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    func testEthereumKeyStoreTests() throws {
        let tests = try SharedVectors.json("ethereum-tests/KeyStoreTests/basic_tests.json", exactLongIntegers: true) as! [String: [String: Any]]
        // test2 uses scrypt n = 2^18 with r = 1, outside RFC 7914 (n < 2^(16·r)): BoringSSL refuses it,
        // so it exercises the Swift fallback (ScryptFallback).
        try runConcurrently(tests.sorted { $0.key < $1.key }) { name, test in
            let key = try Keystore.decrypt(json: try self.jsonData(test["json"]!),
                                           password: Array((test["password"] as! String).utf8))
            XCTAssertEqual(self.secretHex(key), test["priv"] as! String, name)
        }
        print("KeyStoreTests/basic_tests.json: \(tests.count) vectors decrypted (test2 through the scrypt fallback)")
        XCTAssertGreaterThan(tests.count, 0)
    }

    /// The Swift scrypt used for parameters outside RFC 7914 must agree with BoringSSL's wherever
    /// both apply.
    func testScryptFallbackMatchesBoringSSL() throws {
        var checked = 0
        for (n, r, p) in [(2, 1, 1), (16, 1, 1), (1024, 1, 3), (256, 2, 2), (64, 8, 1), (512, 4, 1)] {
            let password = Array("pässwörd \(n)".utf8), salt = Array("salt \(r) \(p)".utf8)
            let ours = try ScryptFallback.deriveKey(password: password, salt: salt, n: n, r: r, p: p, dklen: 64)
            let boring = try KDF.Scrypt.deriveKey(from: password, salt: salt, outputByteCount: 64, rounds: n,
                                                  blockSize: r, parallelism: p).withUnsafeBytes { Array($0) }
            XCTAssertEqual(ours, boring, "n=\(n) r=\(r) p=\(p)")
            checked += 1
        }
        XCTAssertEqual(checked, 6)
    }

    func testReferenceKeystores() throws {
        let root = try SharedVectors.json("reference/keystores.json", exactLongIntegers: true) as! [String: Any]
        let cases = root["cases"] as! [[String: Any]]
        for item in cases {
            let json = try jsonData(item["keystore"]!)
            let password = item["password"] as! String
            let key = try Keystore.decrypt(json: json, password: Array(password.utf8))
            XCTAssertEqual("0x" + secretHex(key), item["private_key"] as! String)
            XCTAssertEqual(key.address.checksummed, item["address"] as! String)
            XCTAssertThrowsError(try Keystore.decrypt(json: json, password: Array((password + "x").utf8))) {
                XCTAssertEqual($0 as? Keystore.Error, .wrongPassword)
                XCTAssertEqual("\($0)", "wrong password for this keystore (MAC check failed)")
            }
        }
        print("reference/keystores.json: \(cases.count) vectors")
        XCTAssertGreaterThan(cases.count, 0)
    }

    /// ethers' wallet corpus. Crowdsale (presale) wallets are not Web3 Secret Storage and are skipped,
    /// but counted.
    func testEthersWallets() throws {
        let list = try SharedVectors.json("ethers/wallets.json", exactLongIntegers: true) as! [[String: Any]]
        var decrypted = 0, skipped = 0
        let keystores = list.filter { ($0["type"] as? String) == "keystore" }
        skipped = list.count - keystores.count
        try runConcurrently(keystores.map { ($0["name"] as! String, $0) }) { name, item in
            let key = try Keystore.decrypt(json: Data((item["content"] as! String).utf8),
                                           password: try Hex.decode(item["password"] as! String))
            XCTAssertEqual(key.address.checksummed, item["address"] as! String, name)
        }
        decrypted = keystores.count
        print("ethers/wallets.json: \(decrypted) keystores decrypted, \(skipped) skipped (crowdsale, not Web3 v3)")
        XCTAssertGreaterThan(decrypted, 0)
    }

    func testEncryptRoundTripUsesFreshSaltAndIV() throws {
        let key = PrivateKey.random()
        let light = Keystore.ScryptParameters(n: 1024, r: 8, p: 1)
        let a = try Keystore.encrypt(key, password: "correct horse", scrypt: light)
        let b = try Keystore.encrypt(key, password: "correct horse", scrypt: light)
        XCTAssertNotEqual(a, b)
        XCTAssertFalse(a.contains(secretHex(key)))
        XCTAssertEqual(secretHex(try Keystore.decrypt(json: a, password: "correct horse")), secretHex(key))
        XCTAssertThrowsError(try Keystore.decrypt(json: a, password: "wrong horse")) {
            XCTAssertEqual($0 as? Keystore.Error, .wrongPassword)
        }
        let object = try JSONSerialization.jsonObject(with: Data(a.utf8)) as! [String: Any]
        XCTAssertEqual(object["version"] as? Int, 3)
        XCTAssertEqual(object["address"] as? String, Hex.encode(key.address.bytes, prefix: false))
        let id = object["id"] as! String
        XCTAssertNotNil(UUID(uuidString: id))
        XCTAssertEqual(Array(id)[14], "4", "UUID v4")
        let crypto = object["crypto"] as! [String: Any]
        let params = crypto["kdfparams"] as! [String: Any]
        XCTAssertEqual((params["salt"] as! String).count, 64)
        XCTAssertEqual(((crypto["cipherparams"] as! [String: Any])["iv"] as! String).count, 32)
    }

    func testRejectsMalformedAndHostileKeystores() throws {
        let key = PrivateKey.random()
        let good = try Keystore.encrypt(key, password: "pw", scrypt: .init(n: 1024, r: 8, p: 1))
        func mutate(_ change: (inout [String: Any]) -> Void) throws -> Data {
            var object = try JSONSerialization.jsonObject(with: Data(good.utf8)) as! [String: Any]
            change(&object)
            return try JSONSerialization.data(withJSONObject: object)
        }
        func crypto(_ change: @escaping (inout [String: Any]) -> Void) throws -> Data {
            try mutate { object in
                var c = object["crypto"] as! [String: Any]
                change(&c)
                object["crypto"] = c
            }
        }
        func kdf(_ change: @escaping (inout [String: Any]) -> Void) throws -> Data {
            try crypto { c in
                var p = c["kdfparams"] as! [String: Any]
                change(&p)
                c["kdfparams"] = p
            }
        }
        let pw = Array("pw".utf8)
        let cases: [(Data, (Keystore.Error) -> Bool)] = [
            (Data("not json".utf8), { if case .malformed = $0 { return true }; return false }),
            (try mutate { $0["version"] = 1 }, { $0 == .unsupportedVersion("1") }),
            (try crypto { $0["cipher"] = "aes-128-cbc" }, { if case .unsupported = $0 { return true }; return false }),
            (try crypto { $0["kdf"] = "argon2" }, { if case .unsupported = $0 { return true }; return false }),
            (try kdf { $0["n"] = 1000 }, { if case .badParameters = $0 { return true }; return false }),
            (try kdf { $0["n"] = 1 << 30 }, { if case .badParameters = $0 { return true }; return false }),
            (try kdf { $0["p"] = 1000; $0["n"] = 1 << 18 }, { if case .badParameters = $0 { return true }; return false }),
            (try crypto { c in var p = c["kdfparams"] as! [String: Any]; p["c"] = 50_000_000; p["prf"] = "hmac-sha256"
                c["kdf"] = "pbkdf2"; c["kdfparams"] = p }, { if case .badParameters = $0 { return true }; return false }),
            (try crypto { $0["ciphertext"] = "00" }, { if case .malformed = $0 { return true }; return false }),
            (try mutate { $0["address"] = "0000000000000000000000000000000000000001" },
             { if case .addressMismatch = $0 { return true }; return false }),
            (try crypto { c in
                var ct = try! Hex.decode(c["ciphertext"] as! String); ct[0] ^= 1
                c["ciphertext"] = Hex.encode(ct, prefix: false)
            }, { $0 == .wrongPassword }),
        ]
        for (i, (json, matches)) in cases.enumerated() {
            XCTAssertThrowsError(try Keystore.decrypt(json: json, password: pw), "case \(i)") { error in
                guard let error = error as? Keystore.Error else { return XCTFail("case \(i): \(error)") }
                XCTAssertTrue(matches(error), "case \(i): \(error)")
            }
        }
    }

    /// The heavy KDF vectors (scrypt n = 2^18 is 256 MiB and seconds of work) run two at a time.
    private func runConcurrently<T>(_ items: [(String, T)], _ body: @escaping (String, T) throws -> Void) throws {
        let errors = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: items.count) { i in
            let start = Date()
            do { try body(items[i].0, items[i].1) } catch { errors.mutate { $0.append("\(items[i].0): \(error)") } }
            print("  \(items[i].0): \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
        }
        XCTAssertEqual(errors.value, [])
    }
}

private final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value { lock.lock(); defer { lock.unlock() }; return stored }
    func mutate(_ change: (inout Value) -> Void) { lock.lock(); change(&stored); lock.unlock() }
}
