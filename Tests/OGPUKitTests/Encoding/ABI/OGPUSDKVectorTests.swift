import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Calldata and event facts captured from the official Python SDK (ogpu 0.2.3, testnet ABIs):
/// what we send must be byte-identical to what it sends, and we must read its events the same way.
final class OGPUSDKVectorTests: XCTestCase {
    private func sdkVectors() throws -> [String: Any] {
        try XCTUnwrap(SharedVectors.json("reference/ogpu_sdk.json") as? [String: Any])
    }

    /// The SDK names arguments; a struct argument's fields are named by its components.
    private func arguments(for function: ABIFunction, from named: [String: Any]) throws -> [ABIValue] {
        try function.inputs.map { input in
            if let value = named[input.name] { return try ABIVectors.value(value, as: input.type) }
            guard case .tuple(let components, let names?) = input.type else {
                throw ABIVectors.VectorError("no argument '\(input.name)' for \(function.signature)")
            }
            var fields: [String: ABIValue] = [:]
            for (type, name) in zip(components, names) {
                if let value = named[name] { fields[name] = try ABIVectors.value(value, as: type) }
            }
            return try ABIValue.tuple(fields: fields, as: input.type)
        }
    }

    func testCalldataMatchesOfficialSDK() throws {
        let calls = try XCTUnwrap(sdkVectors()["calls"] as? [[String: Any]])
        var ran = 0
        for call in calls {
            let qualified = call["function"] as! String
            let dot = try XCTUnwrap(qualified.firstIndex(of: "."))
            let contract = String(qualified[..<dot])
            let signature = String(qualified[qualified.index(after: dot)...])
            let expected = call["calldata"] as! String

            // From the contract's JSON ABI, by signature…
            let function = try ABIVectors.contractABI(contract).function(signature)
            XCTAssertEqual(function.signature, signature)
            let args = try arguments(for: function, from: call["args"] as! [String: Any])
            XCTAssertEqual(Hex.encode(try function.encodeCall(args)), expected, qualified)

            // …and from the bare human-readable signature, which must agree.
            let bare = try ABIFunction(signature: signature)
            XCTAssertEqual(bare.selector, function.selector)
            XCTAssertEqual(Hex.encode(try bare.encodeCall(args)), expected, qualified)

            // What we encode decodes back to the arguments.
            XCTAssertEqual(try function.decodeCall(Hex.decode(expected)), args, qualified)
            ran += 1
        }
        print("reference/ogpu_sdk.json calls: \(ran) vectors")
        XCTAssertGreaterThan(ran, 0)
    }

    func testEventSignaturesTopicsAndDecoding() throws {
        let events = try XCTUnwrap(sdkVectors()["events"] as? [String: [String: Any]])
        var ran = 0
        for (qualified, facts) in events.sorted(by: { $0.key < $1.key }) {
            let parts = qualified.split(separator: ".").map(String.init)
            let abi = try ABIVectors.contractABI(parts[0])
            let event = try abi.event(parts[1])
            let topic0 = facts["topic0"] as! String
            XCTAssertEqual(event.signature, facts["signature"] as! String, qualified)
            XCTAssertEqual(Hex.encode(event.topic0), topic0, qualified)
            XCTAssertEqual(event.inputs.filter(\.indexed).map(\.name), facts["indexed"] as! [String], qualified)
            XCTAssertEqual(abi.event(topic0: try Hex.decode(topic0)), event)

            // A log as the chain delivers it: the SDK's topic0, indexed values as topics, the rest as data.
            let values = event.inputs.enumerated().map { sampleValue(for: $1.type, seed: $0) }
            var topics = [try Hex.decode(topic0)]
            var dataValues: [ABIValue] = []
            var dataTypes: [ABIType] = []
            for (input, value) in zip(event.inputs, values) {
                if input.indexed {
                    topics.append([UInt8](repeating: 0, count: 12) + value.addressValue!.bytes)
                } else {
                    dataValues.append(value)
                    dataTypes.append(input.type)
                }
            }
            let data = try ABIEncoder.encode(dataValues, as: dataTypes)
            let decoded = try XCTUnwrap(abi.decodeLog(topics: topics, data: data), qualified)
            XCTAssertEqual(decoded.name, parts[1])
            XCTAssertEqual(decoded.values, values, qualified)
            for (input, value) in zip(event.inputs, values) { XCTAssertEqual(decoded[input.name], value) }
            // Our own log encoding produces the same topics and data.
            let encoded = try event.encodeLog(values)
            XCTAssertEqual(encoded.topics, topics)
            XCTAssertEqual(encoded.data, data)
            ran += 1
        }
        print("reference/ogpu_sdk.json events: \(ran) vectors")
        XCTAssertGreaterThan(ran, 0)
    }

    /// A distinct, valid value of `type` for each seed (the OpenGPU events use addresses, uints, strings, bools).
    private func sampleValue(for type: ABIType, seed: Int) -> ABIValue {
        switch type {
        case .uint(let bits): return .uint(BigUInt(seed + 7) << (bits - 8))
        case .int(let bits): return .int(-(BigInt(seed + 7) << (bits - 9)))
        case .address: return .address(try! Address(bytes: (0..<20).map { UInt8(truncatingIfNeeded: $0 * 13 + seed) }))
        case .bool: return .bool(seed % 2 == 0)
        case .fixedBytes(let n): return .bytes((0..<n).map { UInt8(truncatingIfNeeded: $0 + seed) })
        case .bytes: return .bytes([0xde, 0xad, UInt8(seed)])
        case .string: return .string("ipfs://cid-\(seed) ✓")
        case .array(let element): return .array((0..<2).map { sampleValue(for: element, seed: seed + $0) })
        case .fixedArray(let element, let k): return .array((0..<k).map { sampleValue(for: element, seed: seed + $0) })
        case .tuple(let components, _): return .tuple(components.enumerated().map { sampleValue(for: $1, seed: seed + $0 + 1) })
        }
    }
}
