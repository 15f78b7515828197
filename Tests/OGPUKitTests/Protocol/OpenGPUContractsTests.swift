import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Every function and event the client declares by hand must exist, with the same canonical
/// signature, outputs and mutability, in the SDK's ABI files (both networks).
final class OpenGPUContractsTests: XCTestCase {
    static let abiRoot = SharedVectors.sharedDirectory.appendingPathComponent("protocol/abi")

    private func load(_ flavor: String, _ contract: String) throws -> ContractABI {
        try ABIVectors.contractABI(contract, network: flavor)
    }

    func testAbiDirectoryExists() {
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.abiRoot.path, isDirectory: &isDir) && isDir.boolValue,
                      "missing \(Self.abiRoot.path)")
    }

    func testDeclaredFunctionsMatchABI() throws {
        XCTAssertGreaterThanOrEqual(OpenGPUContracts.allFunctions.count, 40)
        for flavor in ["testnet", "mainnet"] {
            for (contract, fn) in OpenGPUContracts.allFunctions {
                let abi = try load(flavor, contract)
                let match = try XCTUnwrap(abi.function(selector: fn.selector), "\(flavor)/\(contract): no \(fn.signature)")
                XCTAssertEqual(match.signature, fn.signature)
                XCTAssertEqual(match.outputs.map(\.type.canonical), fn.outputs.map(\.type.canonical), "\(contract).\(fn.signature) outputs")
                let expected = match.stateMutability == "pure" ? "view" : match.stateMutability
                if fn.stateMutability != nil || expected == "payable" || expected == "view" {
                    XCTAssertEqual(fn.stateMutability ?? "nonpayable", expected, "\(contract).\(fn.signature) mutability")
                }
            }
        }
    }

    func testProviderSideMatchesABIAndCancelUnbondingIsMainnetOnly() throws {
        for flavor in ["testnet", "mainnet"] {
            for (contract, fn) in OpenGPUContracts.providerFunctions + (flavor == "mainnet" ? OpenGPUContracts.mainnetOnlyFunctions : []) {
                let match = try XCTUnwrap(try load(flavor, contract).function(selector: fn.selector), "\(flavor)/\(contract): no \(fn.signature)")
                XCTAssertEqual(match.signature, fn.signature)
                XCTAssertEqual(match.outputs.map(\.type.canonical), fn.outputs.map(\.type.canonical), fn.signature)
                let expected = match.stateMutability == "pure" ? "view" : match.stateMutability
                if fn.stateMutability != nil || expected == "payable" || expected == "view" {
                    XCTAssertEqual(fn.stateMutability ?? "nonpayable", expected, "\(contract).\(fn.signature) mutability")
                }
            }
            for (emitter, event) in OpenGPUContracts.protocolEvents + (flavor == "mainnet" ? OpenGPUContracts.mainnetOnlyEvents : []) {
                let match = try XCTUnwrap(try load(flavor, emitter.rawValue).event(topic0: event.topic0), "\(flavor): no \(event.signature)")
                XCTAssertEqual(match.inputs.map(\.name), event.inputs.map(\.name), event.signature)
                XCTAssertEqual(match.inputs.map(\.indexed), event.inputs.map(\.indexed), event.signature)
            }
        }
        XCTAssertNil(try load("testnet", "Vault").function(selector: OpenGPUContracts.ProviderSide.cancelUnbonding.selector))
        XCTAssertEqual(Hex.encode(OpenGPUContracts.ProviderSide.cancelUnbonding.selector), "0xa9b82819")
        XCTAssertEqual(Hex.encode(OpenGPUContracts.ProviderSide.submitResponse.selector), "0x2cbb753b")
        // Every event of every ABI but OwnershipTransferred is declared (so events() can decode it).
        for flavor in ["testnet", "mainnet"] {
            for emitter in OpenGPUContracts.Emitter.allCases {
                let declared = Set((OpenGPUContracts.protocolEvents + OpenGPUContracts.mainnetOnlyEvents).filter { $0.emitter == emitter }.map(\.event.name))
                let inABI = Set(try load(flavor, emitter.rawValue).events.map(\.name)).subtracting(["OwnershipTransferred"])
                XCTAssertTrue(inABI.isSubset(of: declared), "\(flavor)/\(emitter): \(inABI.subtracting(declared))")
            }
        }
    }

    func testDeclaredEventsMatchABI() throws {
        for flavor in ["testnet", "mainnet"] {
            for (contract, event) in OpenGPUContracts.allEvents {
                let abi = try load(flavor, contract)
                let match = try XCTUnwrap(abi.event(topic0: event.topic0), "\(flavor)/\(contract): no \(event.signature)")
                XCTAssertEqual(match.inputs.map(\.name), event.inputs.map(\.name), event.signature)
                XCTAssertEqual(match.inputs.map(\.indexed), event.inputs.map(\.indexed), event.signature)
            }
        }
    }

    func testProtocolCalldataVectors() throws {
        // PROTOCOL.md §8.3 and §17.
        let source = try Address(hex: "0x1111111111111111111111111111111111111111")
        let call = try OpenGPUContracts.Controller.publishTask.encodeCall([
            .tuple([.address(source), .string("https://cipfs.ogpuscan.io/ipfs/QmTest"), .uint(1_700_000_000), .uint(10_000_000_000_000_000)]),
        ])
        XCTAssertEqual(Hex.encode(call.prefix(4)), "0x90d93b1d")
        XCTAssertEqual(Hex.encode(call[4..<36]), "0x" + String(repeating: "0", count: 62) + "20")
        let confirm = try OpenGPUContracts.Controller.confirmResponse.encodeCall([.address(try Address(hex: "0x" + String(repeating: "44", count: 20)))])
        XCTAssertEqual(Hex.encode(confirm), "0x45fac6ec000000000000000000000000" + String(repeating: "44", count: 20))
        XCTAssertEqual(Hex.encode(OpenGPUContracts.Nexus.taskPublished.topic0),
                       "0x3bf5b04cf8ed447db6fda0a63a96369fd5dde6b366b6b480e784be44b26a6c22")
    }

    func testNetworkConstants() {
        XCTAssertEqual(Network.mainnet.chainId, 1071)
        XCTAssertEqual(Network.testnet.chainId, 200_820_172_034)
        XCTAssertEqual(Network.mainnet.contracts.controller.checksummed, "0x8661F4B9c30e07A04d795A192478dfD905625a1D")
        XCTAssertEqual(Network.testnet.contracts.vault.checksummed, "0x15905a2FbD3EF5d3532b931b5656BB9EB493Bb15")
        XCTAssertEqual(Network.mainnet.withRPC("http://127.0.0.1:9").rpcURL, "http://127.0.0.1:9")
        XCTAssertEqual(Network.named("TESTNET")?.contracts.nexus.checksummed, "0xF87bb2f3edB991a998992f14d35fE142e6Bb50b1")
    }

    func testRevertClassificationFollowsSDKTable() {
        func kind(_ reason: RevertReason, node: String? = nil) -> OpenGPUErrorKind? {
            ContractError(operation: "Controller.publishTask", reason: reason, phase: .beforeSending, nodeMessage: node).openGPUKind
        }
        XCTAssertEqual(kind(.message("SourceInactive")), .sourceInactive)
        XCTAssertEqual(kind(.message("InsufficientBalance")), .insufficientBalance)
        XCTAssertEqual(kind(.message("Vault: InsufficientLockup for provider")), .insufficientLockup)
        XCTAssertEqual(kind(.empty, node: "execution reverted: NotOwner"), .notOwner)
        XCTAssertNil(kind(.panic(code: 0x32)))
        let e = ContractError(operation: "Controller.publishTask", reason: .message("SourceInactive"), phase: .beforeSending)
        XCTAssertEqual(e.errorName, "SourceInactive")
        XCTAssertTrue(e.description.contains("Controller.publishTask"))
    }
}
