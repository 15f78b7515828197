import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Our signed bytes must equal other implementations' byte for byte (RFC 6979 makes signing
/// deterministic), and decoding them must give back the same transaction and sender.
final class TransactionSigningTests: XCTestCase {
    private func address(_ any: Any?) throws -> Address? {
        guard let text = any as? String, !text.isEmpty else { return nil }
        return try Address(hex: text)
    }

    private func accessList(_ any: Any?) throws -> [AccessListEntry] {
        guard let list = any as? [[String: Any]] else { return [] }
        return try list.map { entry in
            AccessListEntry(address: try address(entry["address"])!,
                            storageKeys: try (entry["storageKeys"] as? [String] ?? []).map { try Hex.decode($0) })
        }
    }

    /// Decodes `raw`, checks it re-encodes identically and recovers `sender`.
    private func assertRoundTrip(_ raw: [UInt8], _ expected: SignedTransaction, _ label: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        do {
            let decoded = try SignedTransaction.decode(raw)
            XCTAssertEqual(decoded, expected, label, file: file, line: line)
        } catch {
            XCTFail("\(label): decode failed: \(error)", file: file, line: line)
        }
    }

    func testReferenceTransactions() throws {
        let root = try SharedVectors.json("reference/transactions.json", exactLongIntegers: true) as! [String: Any]
        var counts: [TransactionType: Int] = [:]
        for (i, item) in (root["cases"] as! [[String: Any]]).enumerated() {
            let tx = item["tx"] as! [String: Any]
            let key = try PrivateKey(hex: item["private_key"] as! String)
            let nonce = WalletVectors.uint64(tx["nonce"])!, gas = WalletVectors.uint64(tx["gas"])!
            let to = try address(tx["to"]), value = WalletVectors.bigUInt(tx["value"])!
            let data = try WalletVectors.bytes(tx["data"])
            let transaction: Transaction
            if WalletVectors.uint64(tx["type"]) == 2 {
                transaction = .dynamicFee(chainId: WalletVectors.uint64(tx["chainId"])!, nonce: nonce,
                                          maxPriorityFeePerGas: WalletVectors.bigUInt(tx["maxPriorityFeePerGas"])!,
                                          maxFeePerGas: WalletVectors.bigUInt(tx["maxFeePerGas"])!, gasLimit: gas,
                                          to: to, value: value, data: data, accessList: try accessList(tx["accessList"]))
            } else {
                transaction = .legacy(chainId: WalletVectors.uint64(tx["chainId"]), nonce: nonce,
                                      gasPrice: WalletVectors.bigUInt(tx["gasPrice"])!, gasLimit: gas, to: to,
                                      value: value, data: data)
            }
            let signed = try transaction.sign(with: key)
            let label = "reference/transactions.json case \(i)"
            XCTAssertEqual(Hex.encode(signed.rawBytes), item["raw"] as! String, label)
            XCTAssertEqual(Hex.encode(signed.hash), item["hash"] as! String, label)
            XCTAssertEqual(signed.v, WalletVectors.bigUInt(item["v"])!, label)
            XCTAssertEqual(Hex.encode(signed.signature.r), item["r"] as! String, label)
            XCTAssertEqual(Hex.encode(signed.signature.s), item["s"] as! String, label)
            XCTAssertEqual(signed.from.checksummed, item["sender"] as! String, label)
            assertRoundTrip(try WalletVectors.bytes(item["raw"]), signed, label)
            counts[transaction.type, default: 0] += 1
        }
        print("reference/transactions.json: \(counts[.legacy] ?? 0) legacy, \(counts[.dynamicFee] ?? 0) EIP-1559 vectors")
        XCTAssertGreaterThan(counts[.legacy] ?? 0, 0)
        XCTAssertGreaterThan(counts[.dynamicFee] ?? 0, 0)
    }

    /// ethers' random corpus: 3,200 keys, each signed as legacy, EIP-155 (when it has a chain id),
    /// EIP-2930 and EIP-1559. Fields ethers leaves out default to zero / empty / contract creation.
    func testEthersTransactions() throws {
        let list = try SharedVectors.json("ethers/transactions.json", exactLongIntegers: true) as! [[String: Any]]
        let lock = NSLock()
        var counts = ["legacy": 0, "eip155": 0, "berlin": 0, "london": 0]
        var failures = [String]()
        // Two halves in parallel: secp256k1 in a debug build is the slow part of the suite.
        let halves = [Array(list[..<(list.count / 2)]), Array(list[(list.count / 2)...])]
        DispatchQueue.concurrentPerform(iterations: halves.count) { half in
            for item in halves[half] {
                do {
                    let forms = try checkEthersVector(item)
                    lock.lock(); for form in forms { counts[form]! += 1 }; lock.unlock()
                } catch {
                    lock.lock(); failures.append("ethers \(item["name"] ?? "?"): \(error)"); lock.unlock()
                }
            }
        }
        XCTAssertEqual(failures, [])
        print("ethers/transactions.json: \(counts) signed vectors")
        for (form, n) in counts { XCTAssertGreaterThan(n, 0, form) }
    }

    /// Checks one ethers vector's unsigned and signed encodings; returns the forms checked.
    private func checkEthersVector(_ item: [String: Any]) throws -> [String] {
        let name = item["name"] as! String
        let tx = item["transaction"] as! [String: Any]
        let key = try PrivateKey(hex: item["privateKey"] as! String)
        let nonce = WalletVectors.uint64(tx["nonce"] ?? "0")!
        let gasLimit = WalletVectors.uint64(tx["gasLimit"] ?? "0")!
        let gasPrice = WalletVectors.bigUInt(tx["gasPrice"] ?? "0")!
        let to = try address(tx["to"])
        let value = WalletVectors.bigUInt(tx["value"] ?? "0")!
        let data = try Hex.decode(tx["data"] as? String ?? "0x")
        let chainId = WalletVectors.uint64(tx["chainId"])
        let accessList = try accessList(tx["accessList"])

        var forms: [(String, Transaction, String, String)] = [
            ("legacy", .legacy(chainId: nil, nonce: nonce, gasPrice: gasPrice, gasLimit: gasLimit, to: to,
                               value: value, data: data), "unsignedLegacy", "signedLegacy"),
            ("berlin", .accessList(chainId: chainId ?? 0, nonce: nonce, gasPrice: gasPrice, gasLimit: gasLimit,
                                   to: to, value: value, data: data, accessList: accessList),
             "unsignedBerlin", "signedBerlin"),
            ("london", .dynamicFee(chainId: chainId ?? 0, nonce: nonce,
                                   maxPriorityFeePerGas: WalletVectors.bigUInt(tx["maxPriorityFeePerGas"] ?? "0")!,
                                   maxFeePerGas: WalletVectors.bigUInt(tx["maxFeePerGas"] ?? "0")!,
                                   gasLimit: gasLimit, to: to, value: value, data: data, accessList: accessList),
             "unsignedLondon", "signedLondon"),
        ]
        if let chainId {
            forms.append(("eip155", .legacy(chainId: chainId, nonce: nonce, gasPrice: gasPrice, gasLimit: gasLimit,
                                            to: to, value: value, data: data), "unsignedEip155", "signedEip155"))
        }
        for (form, transaction, unsignedKey, signedKey) in forms {
            let label = "ethers \(name) \(form)"
            XCTAssertEqual(Hex.encode(try transaction.signingPayload()), item[unsignedKey] as! String, label)
            let signed = try transaction.sign(with: key)
            XCTAssertEqual(Hex.encode(signed.rawBytes), item[signedKey] as! String, label)
            assertRoundTrip(signed.rawBytes, signed, label)
        }
        return forms.map { $0.0 }
    }

    /// BasicTests/txtest.json: two old pre-EIP-155 transactions (one a contract creation).
    func testBasicTxTest() throws {
        let list = try SharedVectors.json("ethereum-tests/BasicTests/txtest.json", exactLongIntegers: true) as! [[String: Any]]
        var count = 0
        for item in list {
            let key = try PrivateKey(hex: item["key"] as! String)
            let transaction = Transaction.legacy(
                chainId: nil, nonce: WalletVectors.uint64(item["nonce"])!, gasPrice: WalletVectors.bigUInt(item["gasprice"])!,
                gasLimit: WalletVectors.uint64(item["startgas"])!, to: try address(item["to"]),
                value: WalletVectors.bigUInt(item["value"])!, data: try Hex.decode(item["data"] as! String))
            let signed = try transaction.sign(with: key)
            let theirs = try Hex.decode(item["signed"] as! String)
            if signed.rawBytes != theirs {
                // Pre-Homestead signers did not normalize s; the recorded signature must then be the
                // high-s twin of ours (same r, s' = n - s, flipped parity), which EIP-2 makes invalid.
                guard case .list(let fields) = try RLP.decode(theirs) else { return XCTFail("not a list") }
                XCTAssertEqual(fields[7], .bytes(signed.signature.r))
                let twin = BigUInt(Data(Secp256k1.order)) - BigUInt(Data(signed.signature.s))
                XCTAssertEqual(fields[8], .bytes(Array(twin.serialize())))
                XCTAssertEqual(fields[6], .bytes([28 - signed.signature.recoveryId]))
                XCTAssertThrowsError(try SignedTransaction.decode(theirs)) { XCTAssertEqual($0 as? TransactionError, .highS) }
            }
            assertRoundTrip(signed.rawBytes, signed, "txtest \(count)")
            count += 1
        }
        print("BasicTests/txtest.json: \(count) vectors")
        XCTAssertGreaterThan(count, 0)
    }

    func testSigningIsDeterministicAndSenderIsSigner() throws {
        let key = try PrivateKey(hex: "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
        let tx = Transaction.dynamicFee(chainId: 1071, nonce: 7, maxPriorityFeePerGas: 1_000_000_000,
                                        maxFeePerGas: 30_000_000_000, gasLimit: 200_000,
                                        to: try Address(hex: "0x4F1477E0a1DA8340E964D01e32Dff302F3CB203A"),
                                        value: 10_000_000_000_000_000, data: [0x90, 0xd9, 0x3b, 0x1d])
        let a = try tx.sign(with: key), b = try tx.sign(with: key)
        XCTAssertEqual(a.rawBytes, b.rawBytes)
        XCTAssertEqual(a.from, key.address)
        XCTAssertEqual(try SignedTransaction.decode(a.rawBytes).from, key.address)
        XCTAssertEqual(a.rawBytes.first, 0x02)
    }

    func testRejectsValuesBeyond256Bits() throws {
        let key = PrivateKey.random()
        let tx = Transaction.legacy(chainId: 1, nonce: 0, gasPrice: 1, gasLimit: 21_000, to: nil, value: BigUInt(1) << 256)
        XCTAssertThrowsError(try tx.sign(with: key)) {
            XCTAssertEqual($0 as? TransactionError, .integerTooLarge(field: "value", maxBits: 256))
        }
    }
}
