import BigInt
import OGPUKit
import OGPUPrimitives
import XCTest
@testable import OGPUScript

/// Kit failures become the error kinds scripts branch on (§6, §7): what `catch e { e.kind }` sees.
final class KitErrorMappingTests: XCTestCase {
    func map(_ e: Error, local: String? = nil) -> GatewayError {
        KitErrorMapping.map(e, localRPC: local) as! GatewayError
    }

    func testCustomErrorRevertNamesTheErrorAndItsArguments() throws {
        let abiError = ABIError(name: "InsufficientBalance",
                                inputs: [ABIParameter(name: "needed", type: .uint(256)), ABIParameter(name: "available", type: .uint(256))])
        let e = ContractError(operation: "Controller.publishTask", reason: .custom(error: abiError, arguments: [.uint(10), .uint(3)]),
                              phase: .beforeSending)
        let g = map(e)
        XCTAssertEqual(g.kind, .revert)
        XCTAssertTrue(g.message.hasPrefix("InsufficientBalance: Controller.publishTask reverted"), g.message)
        XCTAssertTrue(g.message.contains("deposit(amount)"), g.message)
        XCTAssertEqual(g.details.map(\.0), ["needed", "available", "operation"])
        XCTAssertEqual(g.details.map(\.1), ["10", "3", "Controller.publishTask"])
    }

    func testMinedRevertCarriesTheTransaction() {
        let e = ContractError(operation: "Controller.cancelTask", reason: .message("AlreadyAttempted"), phase: .mined,
                              transactionHash: "0xabc")
        let g = map(e)
        XCTAssertEqual(g.kind, .revert)
        XCTAssertTrue(g.message.hasPrefix("AlreadyAttempted:"), g.message)
        XCTAssertEqual(g.details.first { $0.0 == "tx" }?.1, "0xabc")
    }

    func testTransportFailures() {
        let refused = RPCError.transport(TransportError(kind: .connectFailed, url: "http://127.0.0.1:8545", detail: "refused",
                                                        requestSent: false), method: "eth_call")
        let local = map(refused, local: "http://127.0.0.1:8545")
        XCTAssertEqual(local.kind, .rpc)
        XCTAssertTrue(local.message.contains("start it with scripts/devnet start"), local.message)
        XCTAssertFalse(local.message.contains("\n"))
        // Elsewhere it is the node's problem, said as the transport said it.
        XCTAssertFalse(map(refused).message.contains("scripts/devnet"))
        let slow = RPCError.transport(TransportError(kind: .timedOut, url: "https://node.example", detail: "30 s",
                                                     requestSent: true), method: "eth_call")
        XCTAssertEqual(map(slow).kind, .timeout)
        // A wait that ran out of time is "timeout", not "rpc".
        let task = try! Address(hex: "0x0Fc3d195F6BFA976bE14381D19Bc57c5D89665b5")
        XCTAssertEqual(map(TaskWaitError.timedOut(task: task, lastStatus: .new, seconds: 1)).kind, .timeout)
    }

    /// Core errors that used to fall through to "rpc" have their own kinds (CoreFailure is
    /// switched over exhaustively): a bare transport timeout is "timeout", a value that does not
    /// fit its ABI type is "value".
    func testEveryCoreFamilyHasItsKind() {
        let slow = TransportError(kind: .timedOut, url: "https://node.example", detail: "30 s", requestSent: true)
        XCTAssertEqual(map(slow).kind, .timeout)
        XCTAssertEqual(map(ABIEncodingError.outOfRange(path: "arg 0", type: "uint8", value: "300")).kind, .value)
        XCTAssertEqual(map(TaskDraftError.zeroPayment).kind, .value)
        struct NotTheCores: Error {}
        XCTAssertEqual(map(NotTheCores()).kind, .rpc, "an error that is not the core's stays rpc")
    }

    /// Whatever may have reached a node is "pending" with the hash in `.data.tx` — never "rpc"
    /// or "timeout", which a script would retry (and pay twice).
    func testUnknownOutcomesArePendingWithTheirHash() {
        let cases: [SendError] = [
            .receiptTimeout(label: "Vault.deposit", hash: "0x1", seconds: 120),
            .deliveryUncertain(label: "Controller.publishTask", hash: "0x1", underlying: "connection dropped"),
            .cancelled(label: "Controller.confirmResponse", hash: "0x1"),
        ]
        for e in cases {
            let g = map(e)
            XCTAssertEqual(g.kind, .pending, "\(e)")
            XCTAssertEqual(g.details.first { $0.0 == "tx" }?.1, "0x1")
            XCTAssertTrue(g.message.contains("ogpu journal --check"), g.message)
        }
        XCTAssertTrue(map(cases[1]).message.contains("run the same publish again"))
        // Nothing signed yet: an ordinary failure.
        XCTAssertEqual(map(SendError.cancelled(label: "x", hash: nil)).kind, .rpc)
        XCTAssertEqual(map(SendError.rejected(label: "x", message: "bad")).kind, .rpc)
        XCTAssertEqual(map(RPCError.httpStatus(502, body: "bad gateway", method: "eth_call")).kind, .rpc)
    }

    func testIPFSKeyAndValueFailures() {
        XCTAssertEqual(map(IPFSError.gatewayStatus(url: "http://x/ipfs/y", status: 404)).kind, .ipfs)
        XCTAssertEqual(map(OpenGPUClientError.noSigner).kind, .key)
        XCTAssertEqual(map(Keystore.Error.wrongPassword).kind, .key)
        XCTAssertEqual(map(TaskDraftError.zeroPayment).kind, .value)
        XCTAssertEqual(map(OpenGPUReadError.notFound(kind: "task", address: .zero)).kind, .value)
    }

    /// The key source never prints its secret, whichever way Swift prints it.
    func testKeySourceIsRedacted() {
        let secret = "806380b8c971e856ddf8d7970048aec57a665fe3d4320c6651434d8be9e7590d"
        let sources: [KitGatewayConfiguration.KeySource] = [.privateKey(Secret(secret)), .keystore(path: "/k.json", password: Secret(secret))]
        for s in sources {
            var dumped = ""
            dump(s, to: &dumped)
            for text in ["\(s)", String(reflecting: s), dumped] {
                XCTAssertFalse(text.contains(secret), text)
            }
        }
    }
}
