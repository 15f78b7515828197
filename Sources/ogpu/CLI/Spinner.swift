import Foundation

/// A one-line progress indicator on stderr for long operations (a receipt, a task's answer):
/// `⠹ waiting for task 0xAb…12 (responded) 12.4s`. Only when stderr is a terminal and output is not
/// JSON; otherwise every call does nothing, so scripts and CI logs stay clean.
final class Spinner: @unchecked Sendable {
    private static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    private let enabled: Bool
    private let lock = NSLock()
    private var label = ""
    private var started = Date()
    private var frame = 0
    private var timer: DispatchSourceTimer?

    init(enabled: Bool = Terminal.stderrIsTerminal) {
        self.enabled = enabled
    }

    var isRunning: Bool { lock.withLock { timer != nil } }

    func start(_ label: String) {
        guard enabled else { return }
        lock.withLock {
            self.label = label
            started = Date()
            guard timer == nil else { return }
            let t = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
            t.schedule(deadline: .now(), repeating: .milliseconds(100))
            t.setEventHandler { [weak self] in self?.draw() }
            timer = t
            t.resume()
        }
    }

    /// Changes what is shown (e.g. `[3/10]` in a batch, or a new task status) without resetting the clock.
    func update(_ label: String) {
        lock.withLock { self.label = label }
    }

    func stop() {
        lock.withLock {
            guard let t = timer else { return }
            t.cancel()
            timer = nil
            fputs("\r\u{1B}[2K", stderr)
            fflush(stderr)
        }
    }

    private func draw() {
        lock.withLock {
            guard timer != nil else { return }
            let elapsed = Date().timeIntervalSince(started)
            let symbol = Spinner.frames[frame % Spinner.frames.count]
            frame += 1
            fputs("\r\u{1B}[2K\(symbol) \(label) \(String(format: "%.1fs", elapsed))", stderr)
            fflush(stderr)
        }
    }
}
