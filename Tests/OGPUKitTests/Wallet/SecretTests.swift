import XCTest
@testable import OGPUKit
import OGPUPrimitives

/// Secrets read from the environment leave it at once; they never print; the key loads from
/// their bytes; holding one turns core dumps off (docs/security.md §Secrets).
final class SecretTests: XCTestCase {
    let hex = "0x" + String(repeating: "5e", count: 32)

    func testTakingAnEnvironmentVariableRemovesAndZeroesIt() throws {
        setenv("OGPU_SECRET_TEST", hex, 1)
        let original = try XCTUnwrap(getenv("OGPU_SECRET_TEST"))
        let length = strlen(original)
        let secret = try XCTUnwrap(Secret.takeEnvironment("OGPU_SECRET_TEST"))
        XCTAssertNil(getenv("OGPU_SECRET_TEST"), "unset")
        XCTAssertNil(ProcessInfo.processInfo.environment["OGPU_SECRET_TEST"])
        // setenv copied the text into the environment's own storage: that copy is zeroed in place.
        XCTAssertTrue((0..<length).allSatisfy { original[$0] == 0 })
        XCTAssertEqual(secret.withBytes { String(decoding: $0, as: UTF8.self) }, hex)
        XCTAssertNil(Secret.takeEnvironment("OGPU_SECRET_TEST"), "gone for every later reader")
        setenv("OGPU_SECRET_TEST", "", 1)
        XCTAssertNil(Secret.takeEnvironment("OGPU_SECRET_TEST"), "empty counts as not set")
    }

    func testASecretNeverPrintsAndLoadsAKeyWithoutAStringCopy() throws {
        let secret = Secret(hex)
        var dumped = ""
        dump(secret, to: &dumped)
        for text in ["\(secret)", String(reflecting: secret), dumped] {
            XCTAssertFalse(text.contains("5e5e"), text)
        }
        let key = try PrivateKey(hex: secret)
        XCTAssertEqual(key.address, try PrivateKey(hex: hex).address)
        XCTAssertThrowsError(try PrivateKey(hex: Secret("0x12"))) { XCTAssertFalse("\($0)".contains("12")) }
        secret.wipe()
        XCTAssertTrue(secret.withBytes { $0.allSatisfy { $0 == 0 } })
    }

    func testHoldingASecretTurnsCoreDumpsOff() {
        _ = Secret("x")
        XCTAssertTrue(ProcessHardening.coreDumpsDisabled)
        #if os(Linux)
        XCTAssertFalse(ProcessHardening.isDumpable)
        #endif
    }
}
