import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

final class ContractABITests: XCTestCase {
    static let contracts = ["Controller", "Manager", "Nexus", "Response", "Source", "Task", "Terminal", "Vault"]

    /// Every OpenGPU ABI parses completely, and each entry agrees with the JSON it came from.
    func testParsesEveryOpenGPUABI() throws {
        var parsed = 0
        for network in ["mainnet", "testnet"] {
            for contract in Self.contracts {
                let path = "protocol/abi/\(network)/\(contract)Abi.json"
                let json = try SharedVectors.sharedData(path)
                let abi = try ContractABI(json: json)
                let entries = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [[String: Any]])
                func count(_ type: String) -> Int { entries.filter { $0["type"] as? String == type }.count }
                XCTAssertEqual(abi.functions.count, count("function"), path)
                XCTAssertEqual(abi.events.count, count("event"), path)
                XCTAssertEqual(abi.errors.count, count("error"), path)
                XCTAssertEqual(abi.constructorInputs != nil, count("constructor") == 1, path)
                let functionEntries = entries.filter { $0["type"] as? String == "function" }
                for (entry, function) in zip(functionEntries, abi.functions) {
                    let name = entry["name"] as! String
                    XCTAssertEqual(function.name, name, path)
                    XCTAssertEqual(function.stateMutability, entry["stateMutability"] as? String, "\(path) \(name)")
                    let inputs = entry["inputs"] as! [[String: Any]]
                    XCTAssertEqual(function.inputs.map(\.name), inputs.map { $0["name"] as! String }, "\(path) \(name)")
                    // The signature re-parses to the same function.
                    XCTAssertEqual(try ABIFunction(signature: function.signature).selector, function.selector)
                }
                parsed += 1
            }
        }
        print("protocol/abi: \(parsed) ABI files parsed")
        XCTAssertEqual(parsed, 16)
    }

    func testTupleComponentsAndArraysOfTuples() throws {
        let controller = try ABIVectors.contractABI("Controller")
        let publish = try controller.function("publishTask")
        XCTAssertEqual(publish.signature, "publishTask((address,string,uint256,uint256))")
        XCTAssertEqual(publish.inputs[0].name, "_taskParams")
        XCTAssertEqual(publish.inputs[0].type.componentNames, ["source", "config", "expiryTime", "payment"])
        XCTAssertEqual(Hex.encode(publish.selector), "0x90d93b1d")

        let json = #"""
        [{"type":"function","name":"batch","stateMutability":"payable","inputs":[
            {"name":"items","type":"tuple[2][]","internalType":"struct Item[2][]","components":[
                {"name":"to","type":"address"},{"name":"tags","type":"string[]"}]}],
          "outputs":[{"name":"","type":"bool"}]},
         {"type":"event","name":"Done","anonymous":false,"inputs":[{"name":"id","type":"uint","indexed":true}]},
         {"type":"fallback"},{"type":"receive","stateMutability":"payable"}]
        """#
        let abi = try ContractABI(json: Data(json.utf8))
        let batch = try abi.function("batch")
        XCTAssertEqual(batch.signature, "batch((address,string[])[2][])")
        XCTAssertEqual(batch.stateMutability, "payable")
        XCTAssertEqual(batch.outputs, [ABIParameter(type: .bool)])
        XCTAssertEqual(try abi.event("Done").signature, "Done(uint256)")
        XCTAssertTrue(try abi.event("Done").inputs[0].indexed)
    }

    func testLookupsByNameSignatureAndSelector() throws {
        let abi = try ContractABI(json: Data(#"""
        [{"type":"function","name":"get","inputs":[{"name":"i","type":"uint256"}],"outputs":[]},
         {"type":"function","name":"get","inputs":[{"name":"k","type":"string"}],"outputs":[]}]
        """#.utf8))
        XCTAssertThrowsError(try abi.function("get")) { error in
            XCTAssertTrue("\(error)".contains("get(uint256), get(string)"), "\(error)")
        }
        XCTAssertEqual(try abi.function("get(string)").inputs[0].name, "k")
        XCTAssertEqual(try abi.function("get(uint)").inputs[0].name, "i")
        XCTAssertThrowsError(try abi.function("put"))
        let selector = try abi.function("get(string)").selector
        XCTAssertEqual(abi.function(selector: selector)?.inputs[0].name, "k")
    }

    func testRejectsMalformedJSON() {
        let bad = [
            "not json",
            #"{"no":"abi"}"#,
            #"[1]"#,
            #"[{"type":"function","inputs":[]}]"#,
            #"[{"type":"function","name":"f","inputs":[{"name":"x","type":"uint7"}]}]"#,
            #"[{"type":"function","name":"f","inputs":[{"name":"x","type":"tuple"}]}]"#,
            #"[{"type":"function","name":"f","inputs":[{"name":"x","type":"tuple[0]","components":[{"type":"bool"}]}]}]"#,
            #"[{"type":"function","name":"f","inputs":[{"name":"x"}]}]"#,
            #"[{"type":"whatever","name":"f"}]"#,
        ]
        for text in bad {
            XCTAssertThrowsError(try ContractABI(json: Data(text.utf8)), text) { error in
                XCTAssertTrue(error is ABIParseError, "\(text): \(error)")
            }
        }
    }

    /// An artifact object (Hardhat/Foundry style) with the ABI under "abi" is accepted.
    func testArtifactObject() throws {
        let abi = try ContractABI(json: Data(#"{"contractName":"X","abi":[{"type":"error","name":"E","inputs":[]}]}"#.utf8))
        XCTAssertEqual(abi.errors.map(\.signature), ["E()"])
    }

    func testSingleJSONEntries() throws {
        let function = try ABIFunction(json: Data(#"{"type":"function","name":"deposit","stateMutability":"payable","inputs":[{"name":"account","type":"address","internalType":"address"}],"outputs":[]}"#.utf8))
        XCTAssertEqual(function.signature, "deposit(address)")
        XCTAssertEqual(function.stateMutability, "payable")
        let event = try ABIEvent(json: Data(#"{"type":"event","name":"Deposited","anonymous":false,"inputs":[{"name":"account","type":"address","indexed":true},{"name":"amount","type":"uint256","indexed":false}]}"#.utf8))
        XCTAssertEqual(event.signature, "Deposited(address,uint256)")
        XCTAssertEqual(event.inputs.map(\.indexed), [true, false])
        let error = try ABIError(json: Data(#"{"type":"error","name":"OwnableInvalidOwner","inputs":[{"name":"owner","type":"address"}]}"#.utf8))
        XCTAssertEqual(Hex.encode(error.selector), "0x1e4fbdf7")
        XCTAssertThrowsError(try ABIFunction(json: Data(#"{"type":"event","name":"E","inputs":[]}"#.utf8))) { error in
            XCTAssertTrue("\(error)".contains("not a function"), "\(error)")
        }
    }

    func testEncodeCallByName() throws {
        let vault = try ABIVectors.contractABI("Vault")
        let account = try Address(hex: "0x5C25B08bEa06c2874cfAa4Dd17b2d842845De82a")
        XCTAssertEqual(try vault.encodeCall("deposit", [.address(account)]),
                       try ABIFunction(signature: "deposit(address)").encodeCall([.address(account)]))
    }
}
