import BigInt
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class ABISignatureTests: XCTestCase {
    func testFunctionSignaturesAndWellKnownSelectors() throws {
        XCTAssertEqual(Hex.encode(try ABIFunction(signature: "transfer(address,uint256)").selector), "0xa9059cbb")
        let balanceOf = try ABIFunction(signature: "function balanceOf(address owner) external view returns (uint256 balance)")
        XCTAssertEqual(balanceOf.name, "balanceOf")
        XCTAssertEqual(balanceOf.inputs, [ABIParameter(name: "owner", type: .address)])
        XCTAssertEqual(balanceOf.outputs, [ABIParameter(name: "balance", type: .uint(256))])
        XCTAssertEqual(balanceOf.stateMutability, "view")
        XCTAssertEqual(balanceOf.signature, "balanceOf(address)")
        XCTAssertEqual(Hex.encode(balanceOf.selector), "0x70a08231")
        XCTAssertEqual(balanceOf.description, "function balanceOf(address owner) view returns (uint256 balance)")

        let publish = try ABIFunction(signature: "publishTask((address source, string memory config, uint expiryTime, uint payment) params)")
        XCTAssertEqual(publish.signature, "publishTask((address,string,uint256,uint256))")
        XCTAssertEqual(publish.inputs[0].type.componentNames, ["source", "config", "expiryTime", "payment"])
    }

    func testDecodeOutput() throws {
        let getSources = try ABIFunction(signature: "getSources(uint256,uint256) view returns (address[])")
        let a = try Address(hex: "0x52F22665A60C12D289185D950Ee8813609166f6B")
        let b = try Address(hex: "0x8d6C0fd3901FF239a1a095F20f9395650CF9380b")
        let returned = try ABIEncoder.encode(.array([.address(a), .address(b)]), as: .array(.address))
        XCTAssertEqual(try getSources.decodeOutput(returned), [.array([.address(a), .address(b)])])
        XCTAssertEqual(try getSources.encodeOutput([.array([.address(a), .address(b)])]), returned)
    }

    func testDecodeCallChecksTheSelector() throws {
        let transfer = try ABIFunction(signature: "transfer(address,uint256)")
        XCTAssertThrowsError(try transfer.decodeCall([0xa9, 0x05, 0x9c])) { error in
            XCTAssertEqual(error as? ABIDecodingError, .selectorMismatch(expected: "0xa9059cbb", got: "0xa9059c"))
        }
        XCTAssertThrowsError(try transfer.decodeCall([0x70, 0xa0, 0x82, 0x31] + [UInt8](repeating: 0, count: 64))) { error in
            XCTAssertEqual(error as? ABIDecodingError, .selectorMismatch(expected: "0xa9059cbb", got: "0x70a08231"))
        }
    }

    func testRejectsMalformedSignatures() {
        for text in ["", "transfer", "transfer(address", "transfer(address,uint7)", "1transfer(uint256)",
                     "transfer(address) returns", "transfer(address) whatever", "transfer(address indexed to)",
                     "event Transfer(address)", "transfer(address a b)"] {
            XCTAssertThrowsError(try ABIFunction(signature: text), text) { error in
                XCTAssertTrue(error is ABIParseError, "\(text): \(error)")
            }
        }
        XCTAssertThrowsError(try ABIEvent(signature: "function f(uint256)"))
        XCTAssertThrowsError(try ABIError(signature: "E(uint256) view"))
    }
}

final class ABIEventTests: XCTestCase {
    let transfer = try! ABIEvent(signature: "event Transfer(address indexed from, address indexed to, uint256 value)")
    let alice = try! Address(hex: "0x52F22665A60C12D289185D950Ee8813609166f6B")
    let bob = try! Address(hex: "0x8d6C0fd3901FF239a1a095F20f9395650CF9380b")

    private func topic(_ address: Address) -> [UInt8] { [UInt8](repeating: 0, count: 12) + address.bytes }

    func testDecodesIndexedTopicsAndData() throws {
        XCTAssertEqual(Hex.encode(transfer.topic0), "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
        let data = [UInt8](repeating: 0, count: 31) + [0x2a]
        let log = try transfer.decodeLog(topics: [transfer.topic0, topic(alice), topic(bob)], data: data)
        XCTAssertEqual(log.values, [.address(alice), .address(bob), .uint(42)])
        XCTAssertEqual(log["to"], .address(bob))
        XCTAssertEqual(log.fields.map(\.indexed), [true, true, false])
    }

    func testRejectsLogsOfAnotherShape() throws {
        let data = [UInt8](repeating: 0, count: 32)
        XCTAssertThrowsError(try transfer.decodeLog(topics: [transfer.topic0, topic(alice)], data: data)) { error in
            guard case .topicMismatch = error as? ABIDecodingError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try transfer.decodeLog(topics: [Keccak256.hash("Other()"), topic(alice), topic(bob)], data: data)) {
            guard case .topicMismatch = $0 as? ABIDecodingError else { return XCTFail("\($0)") }
        }
        var dirty = topic(bob)
        dirty[0] = 1
        XCTAssertThrowsError(try transfer.decodeLog(topics: [transfer.topic0, topic(alice), dirty], data: data)) {
            XCTAssertEqual($0 as? ABIDecodingError, .nonZeroPadding(path: "topic for to", offset: 0, type: "address"))
        }
        XCTAssertThrowsError(try transfer.decodeLog(topics: [transfer.topic0, topic(alice), topic(bob)], data: [])) {
            guard case .truncated = $0 as? ABIDecodingError else { return XCTFail("\($0)") }
        }
    }

    /// Indexed strings, bytes, arrays and structs are stored as the hash of their in-place encoding.
    func testIndexedDynamicValuesAreHashes() throws {
        let event = try ABIEvent(signature: "event Noted(string indexed note, uint256[] indexed ids, (string,bool) indexed pair, bytes data)")
        let values: [ABIValue] = [.string("hello"), .array([.uint(1), .uint(2)]),
                                  .tuple([.string("hi"), .bool(true)]), .bytes([0xca, 0xfe])]
        let (topics, data) = try event.encodeLog(values)
        XCTAssertEqual(topics[1], Keccak256.hash(Array("hello".utf8)))
        XCTAssertEqual(topics[2], Keccak256.hash([UInt8](repeating: 0, count: 31) + [1] + [UInt8](repeating: 0, count: 31) + [2]))
        XCTAssertEqual(topics[3], Keccak256.hash(Array("hi".utf8) + [UInt8](repeating: 0, count: 30)
                                                   + [UInt8](repeating: 0, count: 31) + [1]))
        let log = try event.decodeLog(topics: topics, data: data)
        XCTAssertEqual(log.fields.map(\.isHash), [true, true, true, false])
        XCTAssertEqual(log["note"], .bytes(topics[1]))
        XCTAssertEqual(log["data"], .bytes([0xca, 0xfe]))
    }

    func testAnonymousEventsHaveNoTopic0() throws {
        let event = try ABIEvent(signature: "event Ping(uint256 indexed n) anonymous")
        XCTAssertTrue(event.anonymous)
        let (topics, data) = try event.encodeLog([.uint(9)])
        XCTAssertEqual(topics.count, 1)
        XCTAssertEqual(try event.decodeLog(topics: topics, data: data).values, [.uint(9)])
        XCTAssertNil(ContractABI(events: [event]).event(topic0: event.topic0))
    }
}
