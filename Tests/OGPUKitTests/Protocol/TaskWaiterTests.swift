import BigInt
import XCTest
@testable import OGPUKit
@testable import OGPUPrimitives

/// The one implementation of waiting (`TaskWaiter`): what it reads, when it stops, how often it looks.
final class TaskWaiterTests: XCTestCase {
    static let task = try! Address(hex: "0x0Fc3d195F6BFA976bE14381D19Bc57c5D89665b5")
    static let provider = try! Address(hex: "0x1BcCb00524CaCc5f55DD2B8296cA36E6cDd19696")

    /// A chain whose head moves only when the test says so.
    final class Chain: TaskStateReader {
        var head: UInt64 = 1
        var status = TaskStatus.new
        var expiry: UInt64 = 4_000_000_000
        var delivery = DeliveryMethod.manualConfirmation
        var confirmed = false
        var taskReads = 0, headReads = 0
        var failNextHeads = 0
        func waitReadTask(_ task: Address) throws -> TaskInfo {
            taskReads += 1
            return TaskInfo(address: task, status: status, source: task, configURL: "", expiryTime: expiry, payment: 1,
                            deliveryMethod: delivery, attemptCount: status == .new ? 0 : 1, winningProvider: nil, owner: nil)
        }
        func waitReadResponses(of task: Address) throws -> [ResponseInfo] {
            guard status == .responded || status == .finalized else { return [] }
            return [ResponseInfo(address: TaskWaiterTests.provider, task: task, provider: TaskWaiterTests.provider, data: "{}",
                                 payment: 1, status: confirmed ? .confirmed : .submitted, timestamp: 0, confirmed: confirmed)]
        }
        func waitReadHead() throws -> BlockHeader? {
            headReads += 1
            if failNextHeads > 0 { failNextHeads -= 1; throw RPCError.invalidResponse("flaky", method: "eth_getBlockByNumber") }
            return try BlockHeader(json: .object([("number", .string("0x" + String(head, radix: 16))), ("timestamp", .string("0x1"))]))
        }
    }

    /// `sleep` runs `step` instead of pausing, so the chain changes between checks.
    func waiter(_ goal: TaskWaitGoal = .settled, timeout: Double = 5, step: @escaping (Int) -> Void) -> TaskWaiter {
        var checks = 0
        return TaskWaiter(goal: goal, timeout: timeout, schedule: TaskPollSchedule(fast: 0.001, slowest: 0.001),
                          sleep: { _ in checks += 1; step(checks); return true }, isTransient: { $0 is RPCError })
    }

    func testReadsTheTaskOnlyWhenTheHeadMovesAndStopsAtTheResponse() throws {
        let chain = Chain()
        let outcome = try waiter { n in
            if n == 10 { chain.head += 1 }                          // a block without news
            if n == 20 { chain.head += 1; chain.status = .responded } // the answer
        }.wait(for: Self.task, reading: chain)
        guard case .responded(_, let responses) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(responses.count, 1)
        XCTAssertEqual(chain.taskReads, 3, "one read per new head, not one per check")
        XCTAssertEqual(chain.headReads, 21)
    }

    func testFinalGoalWaitsPastAResponseForTheConfirmation() throws {
        let chain = Chain()
        chain.status = .responded
        let outcome = try waiter(.final) { n in
            if n == 5 { chain.head += 1; chain.status = .finalized; chain.confirmed = true }
        }.wait(for: Self.task, reading: chain)
        guard case .finalized(_, let r?) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(r.isConfirmed)
    }

    func testExpiryByTheClockCancelAndTimeout() throws {
        let chain = Chain()
        chain.expiry = 1  // long past: NEW on chain, expired in fact
        guard case .expired = try waiter { _ in }.wait(for: Self.task, reading: chain) else { return XCTFail("not expired") }
        chain.expiry = 4_000_000_000
        chain.status = .canceled
        guard case .canceled = try waiter { _ in }.wait(for: Self.task, reading: chain) else { return XCTFail("not canceled") }
        chain.status = .attempted
        XCTAssertThrowsError(try waiter(timeout: 0.05) { _ in usleep(1000) }.wait(for: Self.task, reading: chain)) { e in
            guard case TaskWaitError.timedOut(_, let status, _)? = e as? TaskWaitError else { return XCTFail("\(e)") }
            XCTAssertEqual(status, .attempted)
        }
    }

    func testTransientHeadFailuresAreRetried() throws {
        let chain = Chain()
        chain.failNextHeads = 3
        chain.status = .finalized
        chain.confirmed = true
        guard case .finalized = try waiter { _ in }.wait(for: Self.task, reading: chain) else { return XCTFail("not finalized") }
        XCTAssertEqual(chain.headReads, 4)
    }

    /// Fast at first (an answer is seen within `fast` of its block), then at most 1/`slowest` checks a second.
    func testScheduleIsFastFirstThenBounded() {
        let s = TaskPollSchedule()
        XCTAssertEqual(s.interval(after: 0), 0.05)
        XCTAssertEqual(s.interval(after: 1.9), 0.05)
        XCTAssertEqual(s.interval(after: 3.5), 0.175, accuracy: 1e-9)
        XCTAssertEqual(s.interval(after: 5), 0.3, accuracy: 1e-9)
        XCTAssertEqual(s.interval(after: 3600), 0.3, accuracy: 1e-9)
        XCTAssertEqual(TaskPollSchedule(slowest: 0.001).interval(after: 0), 0.001, "a shorter poll: is never slowed")
    }
}
