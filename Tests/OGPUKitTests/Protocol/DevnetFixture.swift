import BigInt
import Foundation
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// Shared setup for tests against the devnet that `scripts/test` starts (URL in `OGPU_DEVNET_RPC`).
/// Each test gets a fresh account funded by the devnet deployer, so tests never share nonces or
/// Vault balances with each other or with other suites using the devnet's named accounts.
enum Devnet {
    static func rpcURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["OGPU_DEVNET_RPC"], !url.isEmpty else {
            throw XCTSkip("OGPU_DEVNET_RPC is not set: run scripts/test, or `scripts/devnet start` and export OGPU_DEVNET_RPC=http://127.0.0.1:8545")
        }
        return url
    }

    static func network(url: String? = nil) throws -> Network {
        try NetworkDiscovery.local(url: url ?? rpcURL())
    }

    static func tempJournal() -> SendJournal {
        SendJournal(path: NSTemporaryDirectory() + "ogpu-devnet-\(UUID().uuidString)/journal.jsonl")
    }

    static func key(_ label: String, in network: Network) throws -> PrivateKey {
        let hex = try XCTUnwrap(network.manifest?.account(label)?.privateKeyHex, "manifest has no \(label) key")
        return try PrivateKey(hex: hex)
    }

    static let ether = BigUInt(10).power(18)

    /// A new account with `native` wei of gas money and `vault` wei deposited in the Vault.
    static func fundedClient(_ network: Network, native: BigUInt = 100 * ether, vault: BigUInt = 10 * ether,
                             journal: SendJournal = tempJournal()) throws -> OpenGPUClient {
        let key = PrivateKey.random()
        let funder = OpenGPUClient(network: network, signer: try Devnet.key("deployer", in: network), journal: journal)
        try funder.sender().send(TransactionRequest(to: key.address, data: [], value: native, label: "fund test account"))
        let client = OpenGPUClient(network: network, signer: key, journal: journal)
        if vault > 0 { try client.deposit(vault) }
        return client
    }

    /// A source owned by `client` that no provider serves, so its tasks stay NEW.
    static func privateSource(_ client: OpenGPUClient, delivery: DeliveryMethod = .manualConfirmation) throws -> Address {
        try client.publishSource(SourceDraft(name: "kit-rpc test source", description: "unserved", cpu: "https://example/compose.yml",
                                             minPayment: 1000, maxExpiryDuration: 7 * 86400, deliveryMethod: delivery))
    }

    static func devnetSource(_ network: Network, _ name: String) throws -> Address {
        try XCTUnwrap(network.manifest?.source(name)?.address, "manifest has no \(name) source")
    }

    static func chainTime(_ client: OpenGPUClient) throws -> UInt64 {
        try XCTUnwrap(client.eth.block(.latest)).timestamp
    }

    static func draft(_ client: OpenGPUClient, source: Address, prompt: String = "Write a haiku about AI",
                      devnet: JSONValue? = nil, payment: BigUInt = BigUInt(10).power(16), ttl: UInt64 = 3600) throws -> TaskDraft {
        let data: JSONValue = .object([("messages", .array([.object([("role", "user"), ("content", .string(prompt))])]))])
        let input = try TaskInput(functionName: "text2text", data: data, extras: devnet.map { [("devnet", $0)] } ?? [])
        // Chain time may run ahead of the wall clock (evm_increaseTime in other tests).
        let expiry = max(try chainTime(client), UInt64(Date().timeIntervalSince1970)) + ttl
        return TaskDraft(source: source, input: input, payment: payment, expiryTime: expiry)
    }

    /// Polls until `done` holds for the task (bounded).
    static func waitForTask(_ client: OpenGPUClient, _ task: Address, timeout: Double = 60,
                            until done: (TaskInfo) -> Bool) throws -> TaskInfo {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let info = try client.task(task)
            if done(info) { return info }
            guard Date() < deadline else {
                XCTFail("task \(task) still \(info.status) after \(timeout)s")
                return info
            }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// Every journaled transaction reached a final state (mined, reverted, or rejected), and
    /// none is still pending or unknown.
    static func assertJournalSettled(_ journal: SendJournal, file: StaticString = #filePath, line: UInt = #line) throws {
        let open = try journal.unresolved()
        XCTAssertTrue(open.isEmpty, "unresolved journal entries: \(open.map { "\($0.label ?? "?") \($0.hash)" })", file: file, line: line)
    }
}

extension Devnet {
    /// Waits for the devnet's provider agent to attempt the task; if none does within `grace`
    /// seconds (a devnet without the agent), answers it as `provider-2` the way the agent would:
    /// attempt, pin `{"result": "devnet reply to: <prompt>"}`, submit the link.
    static func ensureAnswered(_ client: OpenGPUClient, _ task: Address, prompt: String, grace: Double = 8) throws {
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            if try client.task(task).attemptCount > 0 { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let network = client.network
        let provider = try key("provider-2", in: network)
        let sender = TransactionSender(eth: client.eth, signer: provider, chainId: network.chainId, journal: tempJournal())
        let payment = try client.task(task).payment
        let attempt = try ABIFunction(signature: "attempt(address,address,uint256)")
        try sender.send(TransactionRequest(to: network.contracts.nexus,
                                           data: try attempt.encodeCall([.address(task), .address(provider.address), .uint(payment)]),
                                           label: "Nexus.attempt"))
        let answer = JSONValue.object([("function_name", "text2text"), ("result", .string("devnet reply to: " + prompt)),
                                       ("model", "ogpu-devnet"), ("provider", .string(provider.address.checksummed)),
                                       ("task", .string(task.checksummed))])
        let url = try client.ipfs.upload(JSONWriter.bytes(answer, style: .python), filename: "response.json")
        let submit = try ABIFunction(signature: "submitResponse((address,address,string,uint256))")
        try sender.send(TransactionRequest(to: network.contracts.nexus,
                                           data: try submit.encodeCall([.tuple([.address(task), .address(provider.address), .string(url), .uint(payment)])]),
                                           label: "Nexus.submitResponse"))
    }
}

extension SendJournal {
    /// The journal's task publishes, oldest first.
    func publishEntries() throws -> [Entry] { try entries().filter { $0.label == "Controller.publishTask" } }
}
