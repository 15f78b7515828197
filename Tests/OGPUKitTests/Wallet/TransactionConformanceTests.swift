import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// ethereum-tests TransactionTests: every test gives raw bytes and, per fork, either the sender and
/// hash or the exception a node raises. We implement the newest rules, so each test is judged by the
/// newest fork it lists: accepted ones must decode to that sender and hash (and the same intrinsic
/// gas), rejected ones must fail `decode` or `validate(chainId: 1)`.
final class TransactionConformanceTests: XCTestCase {
    static let forkOrder = ["Frontier", "Homestead", "EIP150", "EIP158", "Byzantium", "Constantinople",
                            "ConstantinopleFix", "Istanbul", "Berlin", "London", "Paris", "Shanghai", "Cancun", "Prague"]

    /// Coarse kinds of rejection, so our reason can be compared with the node's exception name.
    static func family(of error: TransactionError) -> String {
        switch error {
        case .empty, .rlp, .notAList: return "rlp"
        case .unsupportedType: return "type"
        case .fieldCount, .expectedBytes, .expectedList: return "shape"
        case .leadingZeros: return "leadingZeros"
        case .integerTooLarge: return "tooLarge"
        case .badAddress, .badStorageKey: return "address"
        case .badV, .badSignature, .highS: return "signature"
        case .chainIdMismatch: return "chain"
        case .invalid: return "rule"
        }
    }

    static func families(of exception: String) -> Set<String> {
        let name = exception.replacingOccurrences(of: "TransactionException.", with: "")
        switch name {
        case "RLP_LEADING_ZEROS_NONCE_SIZE", "RLP_LEADING_ZEROS_DATA_SIZE", "RLP_ERROR_SIZE_LEADING_ZEROS",
             "RLP_ERROR_SIZE", "RLP_ERROR_EOF", "RLP_INVALID_HEADER":
            return ["rlp"]
        case _ where name.hasPrefix("RLP_LEADING_ZEROS_"): return ["leadingZeros"]
        case _ where name.hasPrefix("RLP_INVALID_ACCESS_LIST_"): return ["address"]
        case "RLP_TOO_FEW_ELEMENTS", "RLP_TOO_MANY_ELEMENTS": return ["shape"]
        case _ where name.hasPrefix("RLP_INVALID_"): return ["shape", "rlp"]
        case "ADDRESS_TOO_LONG", "ADDRESS_TOO_SHORT": return ["address"]
        case "INVALID_SIGNATURE_VRS", "EC_RECOVERY_FAIL": return ["signature"]
        // Nodes derive the chain id from a legacy v first, so a malformed v reads as a wrong chain.
        case "INVALID_CHAINID": return ["chain", "signature"]
        case "TYPE_NOT_SUPPORTED": return ["type", "rlp"]
        case "NONCE_OVERFLOW", "NONCE_TOO_BIG", "GASLIMIT_OVERFLOW", "GASPRICE_OVERFLOW", "VALUE_OVERFLOW",
             "PRIORITY_OVERFLOW":
            return ["tooLarge", "rule", "leadingZeros"]  // some overflow vectors pad with zero bytes
        case "INTRINSIC_GAS_TOO_LOW", "INITCODE_SIZE_EXCEEDED", "PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS_2",
             "GASLIMIT_PRICE_PRODUCT_OVERFLOW":
            return ["rule"]
        default: return []
        }
    }

    func testTransactionTests() throws {
        let files = try SharedVectors.jsonFiles(under: "ethereum-tests/TransactionTests")
        XCTAssertGreaterThan(files.count, 0)
        var accepted = 0, rejected = 0, intrinsicChecked = 0
        var perDirectory: [String: Int] = [:]
        for file in files {
            let tests = try SharedVectors.json(file) as! [String: [String: Any]]
            let directoryName = URL(fileURLWithPath: file).deletingLastPathComponent().lastPathComponent
            for (name, test) in tests {
                let label = "\(directoryName)/\(name)"
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
                    } catch let error as TransactionError {
                        // The reason must match the node's, not just the verdict.
                        let expectedFamilies = Self.families(of: exception)
                        XCTAssertFalse(expectedFamilies.isEmpty, "\(label): unmapped exception \(exception)")
                        XCTAssertTrue(expectedFamilies.contains(Self.family(of: error)),
                                      "\(label): \(fork) says \(exception), we said \(error)")
                    } catch {
                        XCTFail("\(label): unexpected error type \(error)")
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
                perDirectory[directoryName, default: 0] += 1
            }
        }
        print("TransactionTests: \(accepted) accepted, \(rejected) rejected, \(intrinsicChecked) intrinsic-gas checks; per directory \(perDirectory.sorted { $0.key < $1.key })")
        XCTAssertGreaterThan(accepted, 0)
        XCTAssertGreaterThan(rejected, 0)
    }
}
