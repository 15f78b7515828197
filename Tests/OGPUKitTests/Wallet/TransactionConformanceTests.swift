import XCTest
@testable import OGPUKit

/// ethereum-tests TransactionTests: every test gives raw bytes and, per fork, either the sender and
/// hash or the exception a node raises. We implement the newest rules, so each test is judged by the
/// newest fork it lists: accepted ones must decode to that sender and hash (and the same intrinsic
/// gas), rejected ones must fail `decode` or `validate(chainId: 1)`.
final class TransactionConformanceTests: XCTestCase {
    static let forkOrder = ["Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople",
                            "ConstantinopleFix", "Istanbul", "Berlin", "London", "Paris", "Shanghai", "Cancun", "Prague"]

    func testTransactionTests() throws {
        let files = try WalletVectors.files(under: "ethereum-tests/TransactionTests")
        XCTAssertGreaterThan(files.count, 0)
        var accepted = 0, rejected = 0, intrinsicChecked = 0
        var perDirectory: [String: Int] = [:]
        for file in files {
            let tests = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: [String: Any]]
            for (name, test) in tests {
                let label = "\(file.deletingLastPathComponent().lastPathComponent)/\(name)"
                let results = test["result"] as! [String: [String: Any]]
                let unknown = Set(results.keys).subtracting(Self.forkOrder)
                XCTAssertTrue(unknown.isEmpty, "\(label): unknown forks \(unknown); update forkOrder")
                guard let fork = Self.forkOrder.last(where: { results[$0] != nil }) else {
                    XCTFail("\(label): no known fork"); continue
                }
                let expected = results[fork]!
                let raw = try Hex.decode(test["txbytes"] as! String)
                if let exception = expected["exception"] as? String {
                    do {
                        let tx = try SignedTransaction.decode(raw)
                        try tx.validate(chainId: 1)
                        XCTFail("\(label): accepted, but \(fork) rejects it with \(exception)")
                    } catch {
                        XCTAssertFalse("\(error)".isEmpty)
                    }
                    rejected += 1
                } else {
                    do {
                        let tx = try SignedTransaction.decode(raw)
                        XCTAssertEqual(Hex.encode(tx.from.bytes), (expected["sender"] as! String).lowercased(), label)
                        XCTAssertEqual(Hex.encode(tx.hash), expected["hash"] as! String, label)
                        XCTAssertNoThrow(try tx.validate(chainId: 1), label)
                        XCTAssertEqual(try SignedTransaction.decode(tx.rawBytes).rawBytes, raw)
                        if fork == "Shanghai" || fork == "Cancun", let gas = expected["intrinsicGas"] as? String {
                            XCTAssertEqual(Hex.encode(Transaction.stripZeros(withUnsafeBytes(of: tx.transaction.intrinsicGas.bigEndian) { Array($0) })),
                                           gas == "0x00" ? "0x" : gas, "\(label) intrinsic gas")
                            intrinsicChecked += 1
                        }
                    } catch {
                        XCTFail("\(label): \(fork) accepts it (sender \(expected["sender"] ?? "?")), we rejected: \(error)")
                    }
                    accepted += 1
                }
                perDirectory[file.deletingLastPathComponent().lastPathComponent, default: 0] += 1
            }
        }
        print("TransactionTests: \(accepted) accepted, \(rejected) rejected, \(intrinsicChecked) intrinsic-gas checks; per directory \(perDirectory.sorted { $0.key < $1.key })")
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertGreaterThan(rejected, 0)
    }
}
