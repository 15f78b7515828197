import BigInt
import CSecp256k1
import Foundation
import OGPUKit
import OGPUPrimitives

// `ogpu-bench sign`: build + sign + serialize a publishTask EIP-1559 transaction, against
//   • bare libsecp256k1 (`secp256k1_ecdsa_sign_recoverable` on a fixed 32-byte hash), the floor;
//   • Python eth-account signing the same transaction (the official SDK's signer).
// Targets: ≥ 100× eth-account, within 1.3× of bare libsecp256k1. eth-account runs from the venv that
// scripts/eth-account-venv creates; its signed bytes must equal ours, so both sides did the same work.

private enum SignFixture {
    static let privateKey = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
    static let chainId: UInt64 = 1071                                   // OpenGPU mainnet
    static let controller = "0x8661F4B9c30e07A04d795A192478dfD905625a1D" // mainnet Controller
    static let nonce: UInt64 = 42
    static let maxPriorityFeePerGas: BigUInt = 1_000_000_000
    static let maxFeePerGas: BigUInt = 30_000_000_000
    static let gasLimit: UInt64 = 1_500_000
    static let value: BigUInt = 10_000_000_000_000_000                 // the task's payment, 0.01 OGPU
    /// `publishTask((address,string,uint256,uint256))` calldata from reference/ogpu_sdk.json (calls[0]).
    static let calldata = "0x90d93b1d000000000000000000000000000000000000000000000000000000000000002000000000000000000000000052f22665a60c12d289185d950ee8813609166f6b00000000000000000000000000000000000000000000000000000000000000800000000000000000000000000000000000000000000000000000000067785f41000000000000000000000000000000000000000000000000002386f26fc10000000000000000000000000000000000000000000000000000000000000000004d68747470733a2f2f63697066732e6f6770757363616e2e696f2f697066732f516d597741504a7a7635435a736e4136323573335866326e656d7459675070486457457a37396f6a576e5062644700000000000000000000000000000000000000"
}

func runSignBenchmark(_ arguments: [String]) throws {
    let seconds = arguments.first.flatMap(Double.init) ?? 2.5
    let key = try PrivateKey(hex: SignFixture.privateKey)
    let controller = try Address(hex: SignFixture.controller)
    let calldata = try Hex.decode(SignFixture.calldata)

    func buildAndSign() throws -> SignedTransaction {
        try Transaction.dynamicFee(chainId: SignFixture.chainId, nonce: SignFixture.nonce,
                                   maxPriorityFeePerGas: SignFixture.maxPriorityFeePerGas,
                                   maxFeePerGas: SignFixture.maxFeePerGas, gasLimit: SignFixture.gasLimit,
                                   to: controller, value: SignFixture.value, data: calldata).sign(with: key)
    }
    let reference = try buildAndSign()
    var sink = 0

    // Bare libsecp256k1 with its own randomized context, signing one fixed hash.
    let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
    defer { secp256k1_context_destroy(context) }
    var seed = [UInt8](repeating: 7, count: 32)
    _ = secp256k1_context_randomize(context, &seed)
    let hash = try reference.transaction.signingHash()
    var secret = [UInt8](repeating: 0, count: 32)
    key.withUnsafeBytes { secret = Array($0) }
    var signature = secp256k1_ecdsa_recoverable_signature()

    // Interleave the two Swift measurements so frequency changes and neighbours hit both alike.
    var ours: [Double] = [], bare: [Double] = []
    let rounds = 5, batch = 200
    for _ in 0..<rounds {
        ours.append(try operationsPerSecond(seconds: seconds / Double(rounds), operationsPerCall: batch) {
            for _ in 0..<batch { sink &+= Int(try buildAndSign().rawBytes.count) }
        })
        bare.append(operationsPerSecond(seconds: seconds / Double(rounds), operationsPerCall: batch) {
            for _ in 0..<batch { sink &+= Int(secp256k1_ecdsa_sign_recoverable(context, &signature, hash, secret, nil, nil)) }
        })
    }
    let ourRate = ours.max()!, bareRate = bare.max()!
    print(String(format: "ogpu build+sign+serialize (EIP-1559 publishTask, %d-byte tx): %10.0f tx/CPU-s", reference.rawBytes.count, ourRate))
    print(String(format: "bare libsecp256k1 sign_recoverable (32-byte hash):        %10.0f sig/CPU-s", bareRate))
    print(String(format: "  bare libsecp256k1 / ogpu = %.3f  (target ≤ 1.3)", bareRate / ourRate))

    switch ethAccountRate(privateKey: SignFixture.privateKey, seconds: seconds, expectedRaw: Hex.encode(reference.rawBytes)) {
    case .success(let pyRate):
        print(String(format: "python eth-account sign_transaction (same tx, same bytes):  %10.0f tx/CPU-s", pyRate))
        print(String(format: "  ogpu / eth-account = %.1f×  (target ≥ 100×)", ourRate / pyRate))
    case .failure(let error):
        print("python eth-account: not measured (\(error))")
    }
    if sink == 42 { print("") }  // keeps the loops from being optimized away
}

/// Runs bench/eth_account_sign.py in the cached venv on the same transaction; its bytes must equal ours.
private func ethAccountRate(privateKey: String, seconds: Double, expectedRaw: String) -> Result<Double, BenchmarkError> {
    let job: [String: Any] = [
        "private_key": privateKey,
        "seconds": seconds,
        "tx": [
            "type": 2, "chainId": Int(SignFixture.chainId), "nonce": Int(SignFixture.nonce),
            "maxPriorityFeePerGas": Int(SignFixture.maxPriorityFeePerGas), "maxFeePerGas": Int(SignFixture.maxFeePerGas),
            "gas": Int(SignFixture.gasLimit), "to": SignFixture.controller, "value": Int(SignFixture.value),
            "data": SignFixture.calldata, "accessList": [],
        ] as [String: Any],
    ]
    do {
        let result = try PythonPeer.run(venvScript: "eth-account-venv", script: "eth_account_sign.py", job: job)
        guard let rate = result["rate"] as? Double, let raw = result["raw"] as? String else {
            return .failure(BenchmarkError("eth_account_sign.py answered without rate or raw"))
        }
        guard raw == expectedRaw else {
            return .failure(BenchmarkError("eth-account produced different bytes: \(raw) vs ours \(expectedRaw)"))
        }
        return .success(rate)
    } catch {
        return .failure(error as? BenchmarkError ?? BenchmarkError("\(error)"))
    }
}
