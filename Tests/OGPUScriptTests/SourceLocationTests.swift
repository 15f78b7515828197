import XCTest
@testable import OGPUScript

final class SourceLocationTests: XCTestCase {
    func testDescriptionIsFileLineColumn() {
        XCTAssertEqual(SourceLocation(file: "haiku.ogpu", line: 7, column: 14, length: 7).description, "haiku.ogpu:7:14")
    }
}
