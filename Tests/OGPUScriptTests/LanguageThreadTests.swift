import Foundation
import XCTest
@testable import OGPUScript

/// The debug check behind `-assume-single-threaded` (LanguageThread): while one thread is inside
/// the language, another is refused; a big-stack thread counts as the thread that started it.
final class LanguageThreadTests: XCTestCase {
    #if DEBUG
    func testASecondThreadIsRefusedWhileOneIsInside() {
        let inside = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let otherEntered = Answer()
        let other = Thread {
            otherEntered.value = LanguageThread.tryEnter()
            inside.signal()
            release.wait()
            if otherEntered.value { LanguageThread.leave() }
            done.signal()
        }
        other.start()
        inside.wait()
        XCTAssertTrue(otherEntered.value)
        XCTAssertFalse(LanguageThread.tryEnter(), "the test's thread entered while another was inside")
        // What a session entry does then: the message names the contract.
        XCTAssertTrue(LanguageThread.violation("a run").contains("-assume-single-threaded"))
        release.signal()
        done.wait()
        XCTAssertTrue(LanguageThread.tryEnter(), "refused after the other thread left")
        LanguageThread.leave()
    }

    func testEntriesNestAndBigStackThreadsCountAsTheirStarter() {
        XCTAssertTrue(LanguageThread.tryEnter())
        // A run inside an entry: the session runs on a big-stack thread started from here.
        let (out, outcome) = runScript("print 1 + 1")
        XCTAssertEqual(out, "2\n")
        guard case .ok = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(ScriptSession.onBigStack { LanguageThread.tryEnter() && { LanguageThread.leave(); return true }() })
        LanguageThread.leave()
        // Nothing left inside: another thread may enter now.
        let entered = DispatchSemaphore(value: 0)
        let ok = Answer()
        Thread { ok.value = LanguageThread.tryEnter(); if ok.value { LanguageThread.leave() }; entered.signal() }.start()
        entered.wait()
        XCTAssertTrue(ok.value)
    }
    #endif
}

/// A thread's answer, read after a semaphore says it is written.
private final class Answer: @unchecked Sendable { var value = false }
