import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Differential tests against Python eth-account (the official SDK's signer), run from the venv that
/// scripts/eth-account-venv creates: random transactions of every type must sign to identical bytes,
/// each side must recover the other's sender, and keystores must open both ways.
final class WalletDifferentialTests: XCTestCase {
    private func peer(_ job: [String: Any]) throws -> [String: Any] {
        try PeerProcess.ask(peer: "eth_account_peer.py", venvScript: "eth-account-venv", job)
    }

    private func hex(_ value: BigUInt) -> String { "0x" + String(value, radix: 16) }

    private func randomKey(_ rng: inout SplitMix64) -> PrivateKey {
        while true {
            if let key = try? PrivateKey(bytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }) { return key }
        }
    }

    private func randomAmount(_ rng: inout SplitMix64) -> BigUInt {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return 0
        case 1: return (BigUInt(1) << 256) - 1
        default:
            let bytes = (0..<Int.random(in: 1...32, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            return BigUInt(Data(bytes))
        }
    }

    private func randomTransaction(_ rng: inout SplitMix64) throws -> (Transaction, [String: Any]) {
        let chainIds: [UInt64] = [1, 1071, 200_820_172_034, UInt64.random(in: 1...(1 << 53), using: &rng)]
        let chainId = chainIds.randomElement(using: &rng)!
        let nonce = Bool.random(using: &rng) ? UInt64.random(in: 0...1000, using: &rng) : UInt64.random(in: 0...(UInt64.max - 1), using: &rng)
        let gas = UInt64.random(in: 21_000...30_000_000, using: &rng)
        let to: Address? = Int.random(in: 0..<10, using: &rng) == 0 ? nil
            : try Address(bytes: (0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) })
        let value = randomAmount(&rng)
        let data = (0..<Int.random(in: 0...300, using: &rng)).map { _ in Bool.random(using: &rng) ? 0 : UInt8.random(in: 0...255, using: &rng) }
        let accessList = try (0..<Int.random(in: 0...3, using: &rng)).map { _ in
            AccessListEntry(address: try Address(bytes: (0..<20).map { _ in UInt8.random(in: 0...255, using: &rng) }),
                            storageKeys: (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                                (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) } })
        }
        var json: [String: Any] = ["nonce": hex(BigUInt(nonce)), "gas": hex(BigUInt(gas)), "value": hex(value),
                                   "data": Hex.encode(data)]
        if let to { json["to"] = to.checksummed }
        let jsonAccessList = accessList.map { ["address": $0.address.checksummed, "storageKeys": $0.storageKeys.map { Hex.encode($0) }] }
        let tx: Transaction
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:
            let gasPrice = randomAmount(&rng)
            tx = .legacy(chainId: nil, nonce: nonce, gasPrice: gasPrice, gasLimit: gas, to: to, value: value, data: data)
            json["gasPrice"] = hex(gasPrice)
        case 1:
            let gasPrice = randomAmount(&rng)
            tx = .legacy(chainId: chainId, nonce: nonce, gasPrice: gasPrice, gasLimit: gas, to: to, value: value, data: data)
            json["gasPrice"] = hex(gasPrice); json["chainId"] = hex(BigUInt(chainId))
        case 2:
            let gasPrice = randomAmount(&rng)
            tx = .accessList(chainId: chainId, nonce: nonce, gasPrice: gasPrice, gasLimit: gas, to: to, value: value,
                             data: data, accessList: accessList)
            json["gasPrice"] = hex(gasPrice); json["chainId"] = hex(BigUInt(chainId))
            json["type"] = "0x1"; json["accessList"] = jsonAccessList
        default:
            let maxFee = randomAmount(&rng), tip = randomAmount(&rng) % (maxFee + 1)
            tx = .dynamicFee(chainId: chainId, nonce: nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: gas,
                             to: to, value: value, data: data, accessList: accessList)
            json["maxFeePerGas"] = hex(maxFee); json["maxPriorityFeePerGas"] = hex(tip); json["chainId"] = hex(BigUInt(chainId))
            json["type"] = "0x2"; json["accessList"] = jsonAccessList
        }
        return (tx, json)
    }

    func testSigningAndKeystoresAgreeWithEthAccount() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("WalletDifferentialTests seed: \(seed)")
        var rng = SplitMix64(seed: seed)

        var ours: [SignedTransaction] = [], keys: [PrivateKey] = [], jobTransactions: [[String: Any]] = []
        for _ in 0..<200 {
            let key = randomKey(&rng)
            let (tx, json) = try randomTransaction(&rng)
            ours.append(try tx.sign(with: key))
            keys.append(key)
            jobTransactions.append(["key": key.withUnsafeBytes { Hex.encode($0) }, "tx": json])
        }
        let keystoreKeys = (0..<3).map { _ in randomKey(&rng) }
        let light = Keystore.ScryptParameters(n: 1024, r: 8, p: 1)
        let ourKeystores = try keystoreKeys.enumerated().map { i, key in
            ["json": try Keystore.encrypt(key, password: "pässwörd \(i) 🚀", scrypt: light), "password": "pässwörd \(i) 🚀"]
        }
        let theirKeystoreJobs: [[String: Any]] = keystoreKeys.enumerated().map { i, key in
            ["key": key.withUnsafeBytes { Hex.encode($0) }, "password": "pw \(i)",
             "kdf": i == 0 ? "pbkdf2" : "scrypt", "work": i == 0 ? 1000 : 1024]
        }

        let answer = try peer(["transactions": jobTransactions, "raws": ours.map { Hex.encode($0.rawBytes) },
                               "decrypt": ourKeystores, "encrypt": theirKeystoreJobs])

        let signed = answer["signed"] as! [[String: String]], recovered = answer["recovered"] as! [String]
        XCTAssertEqual(signed.count, ours.count)
        XCTAssertEqual(recovered.count, ours.count)
        var typeCounts: [TransactionType: Int] = [:]
        for (i, mine) in ours.enumerated() where i < signed.count && i < recovered.count {
            let label = "seed \(seed) tx \(i) (\(mine.transaction.type))"
            XCTAssertEqual(Hex.encode(mine.rawBytes), signed[i]["raw"], label)
            XCTAssertEqual(Hex.encode(mine.hash), signed[i]["hash"], label)
            XCTAssertEqual(recovered[i], keys[i].address.checksummed, label)
            let theirs = try SignedTransaction.decode(try Hex.decode(signed[i]["raw"]!))
            XCTAssertEqual(theirs.from, keys[i].address, label)
            XCTAssertEqual(theirs.transaction, mine.transaction, label)
            typeCounts[mine.transaction.type, default: 0] += 1
        }

        let decrypted = answer["decrypted"] as! [String]
        XCTAssertEqual(decrypted, keystoreKeys.map { k in k.withUnsafeBytes { Hex.encode($0) } })
        let encrypted = answer["encrypted"] as! [String]
        XCTAssertEqual(encrypted.count, keystoreKeys.count)
        for (i, json) in encrypted.enumerated() {
            let key = try Keystore.decrypt(json: json, password: "pw \(i)")
            XCTAssertEqual(key.address, keystoreKeys[i].address)
        }
        print("eth-account differential: \(typeCounts[.legacy] ?? 0) legacy, \(typeCounts[.accessList] ?? 0) EIP-2930, \(typeCounts[.dynamicFee] ?? 0) EIP-1559 transactions; \(decrypted.count) keystores opened by eth-account, \(encrypted.count) of theirs opened by us")
        XCTAssertGreaterThan(typeCounts.count, 2)
    }
}
