import BigInt
import Foundation
import OGPUKit
import OGPUPrimitives

// `ogpu-bench abi`: the contract ABI codec against Python eth-abi (what web3.py and the official SDK use),
// on the same work in the same run:
//   • encode: publishTask((address,string,uint256,uint256)) calldata, the call every `publish` makes;
//   • decode: all 1,024 cases of ethers/abi.json (nested tuples/arrays from solc), strict decoding.
// Both sides must produce the SDK's calldata and decode every case, so they did the same work.
// Target: ≥ 20× eth-abi on both.

private enum PublishFixture {
    static let source = "0x52F22665A60C12D289185D950Ee8813609166f6B"
    static let config = "https://cipfs.ogpuscan.io/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"
    static let expiryTime: BigUInt = 1_735_941_953
    static let payment: BigUInt = 10_000_000_000_000_000
    /// calls[0] of reference/ogpu_sdk.json: what the official SDK sends for these arguments.
    static let calldata = "0x90d93b1d000000000000000000000000000000000000000000000000000000000000002000000000000000000000000052f22665a60c12d289185d950ee8813609166f6b00000000000000000000000000000000000000000000000000000000000000800000000000000000000000000000000000000000000000000000000067785f41000000000000000000000000000000000000000000000000002386f26fc10000000000000000000000000000000000000000000000000000000000000000004d68747470733a2f2f63697066732e6f6770757363616e2e696f2f697066732f516d597741504a7a7635435a736e4136323573335866326e656d7459675070486457457a37396f6a576e5062644700000000000000000000000000000000000000"
}

func runABIBenchmark(_ arguments: [String]) throws {
    let seconds = arguments.first.flatMap(Double.init) ?? 2
    let publish = try ABIFunction(signature: "publishTask((address,string,uint256,uint256))")
    let args: [ABIValue] = [.tuple([.address(try Address(hex: PublishFixture.source)), .string(PublishFixture.config),
                                    .uint(PublishFixture.expiryTime), .uint(PublishFixture.payment)])]
    guard Hex.encode(try publish.encodeCall(args)) == PublishFixture.calldata else {
        throw BenchmarkError("our publishTask calldata differs from the SDK's")
    }

    let corpusPath = benchDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/vectors/ethers/abi.json").path
    guard let corpus = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: corpusPath))) as? [[String: Any]]
    else { throw BenchmarkError("cannot read \(corpusPath)") }
    let cases: [(ABIType, [UInt8])] = try corpus.map { (try ABIType($0["type"] as! String), try Hex.decode($0["encoded"] as! String)) }

    var sink = 0
    // Wall clock with a warm-up call, as eth_abi_bench.py measures.
    let encodeRate = try operationsPerSecond(seconds: seconds, operationsPerCall: 100, clock: .wall, warmUp: true) {
        for _ in 0..<100 { sink &+= try publish.encodeCall(args).count }
    }
    let decodeRate = try operationsPerSecond(seconds: seconds, operationsPerCall: cases.count, clock: .wall, warmUp: true) {
        for (type, data) in cases { if case .tuple = try ABIDecoder.decode(type, from: data) { sink &+= 1 } }
    }
    print(String(format: "ogpu encode publishTask calldata (%d bytes):          %10.0f calls/s", PublishFixture.calldata.count / 2 - 1, encodeRate))
    print(String(format: "ogpu decode ethers/abi.json (%d nested cases):      %10.0f cases/s", cases.count, decodeRate))

    switch ethABIRates(seconds: seconds, corpusPath: corpusPath, selector: Hex.encode(publish.selector)) {
    case .success(let peer):
        guard peer.calldata == PublishFixture.calldata, peer.decoded == cases.count else {
            print("python eth-abi: did different work (calldata \(peer.calldata), \(peer.decoded) cases); not compared")
            break
        }
        print(String(format: "python eth-abi encode (same calldata):                  %10.0f calls/s", peer.encodeRate))
        print(String(format: "python eth-abi decode (same %d cases):                %10.0f cases/s", peer.decoded, peer.decodeRate))
        print(String(format: "  ogpu / eth-abi: encode %.1f×, decode %.1f×  (target ≥ 20×)",
                     encodeRate / peer.encodeRate, decodeRate / peer.decodeRate))
    case .failure(let error):
        print("python eth-abi: not measured (\(error))")
    }
    if sink == 42 { print("") }  // keeps the loops from being optimized away
}

private struct EthABIRates {
    let encodeRate: Double
    let decodeRate: Double
    let calldata: String
    let decoded: Int
}

/// Runs bench/eth_abi_bench.py in the venv scripts/eth-abi-venv creates.
private func ethABIRates(seconds: Double, corpusPath: String, selector: String) -> Result<EthABIRates, BenchmarkError> {
    let job: [String: Any] = [
        "seconds": seconds, "selector": selector, "corpus": corpusPath,
        "publish": [PublishFixture.source, PublishFixture.config, PublishFixture.expiryTime.description, PublishFixture.payment.description],
    ]
    do {
        let result = try PythonPeer.run(venvScript: "eth-abi-venv", script: "eth_abi_bench.py", job: job)
        guard let encodeRate = result["encode_rate"] as? Double, let decodeRate = result["decode_rate"] as? Double,
              let calldata = result["calldata"] as? String, let decoded = result["decoded"] as? Int else {
            return .failure(BenchmarkError("eth_abi_bench.py answered without encode_rate, decode_rate, calldata or decoded"))
        }
        return .success(EthABIRates(encodeRate: encodeRate, decodeRate: decodeRate, calldata: calldata, decoded: decoded))
    } catch {
        return .failure(error as? BenchmarkError ?? BenchmarkError("\(error)"))
    }
}
