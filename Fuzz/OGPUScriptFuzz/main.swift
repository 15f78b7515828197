import OGPUScript
#if canImport(Glibc)
import Glibc
#endif

// libFuzzer target over the language (built only with OGPU_FUZZ=1 and -sanitize=fuzzer,address;
// see scripts/fuzz). Each input is a program: it is checked, then lexed, parsed, resolved and run
// in a fresh sandboxed session (no output, files, network or sleeping; a step budget bounds loops
// and recursion), and the outcome is rendered as the CLI would. Any crash, hang, leak or memory
// blow-up is a bug in OGPUScript.

/// Caps low enough that doubling loops end quickly within the step budget, high enough for the
/// repo's programs: 20,000 steps copying at most 64 KB or 4,096 elements each stay well under
/// a second.
private let sizeLimits: Void = Sandbox.limitValueSizes(stringBytes: 1 << 16, listCount: 1 << 12)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = sizeLimits
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    Sandbox.run(String(decoding: bytes, as: UTF8.self), steps: 20_000, depth: 300)
    return 0
}

// SwiftPM gives every executable a `main` of its own (this file's top-level code), which takes
// the place of libFuzzer's; so the top-level code hands over to libFuzzer's driver, which
// -sanitize=fuzzer links in.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
// On a 1 GiB stack, as the CLI runs scripts (and then every session runs in place).
exit(Sandbox.onLargeStack { LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput) })
