import OGPUPrimitives
/// The SDK's error families for contract reverts (PROTOCOL.md §11.3), recognised from the
/// decoded revert's name or message so callers can react without string matching.
public enum OpenGPUErrorKind: String, Sendable, CaseIterable {
    case notOwner = "NotOwner"
    case notMaster = "NotMaster"
    case notProvider = "NotProvider"
    case expired = "Expired"
    case alreadyConfirmed = "AlreadyConfirmed"
    case alreadyFinalized = "AlreadyFinalized"
    case insufficientBalance = "InsufficientBalance"
    case insufficientLockup = "InsufficientLockup"
    case unbondingNotElapsed = "UnbondingNotElapsed"
    case notEligible = "NotEligible"
    case sourceInactive = "SourceInactive"

    /// First match in the SDK's dictionary order, on the error name then the full message.
    public static func classify(_ e: ContractError) -> OpenGPUErrorKind? {
        if let exact = OpenGPUErrorKind(rawValue: e.errorName) { return exact }
        let text = e.errorName + " " + e.message
        return allCases.first { text.contains($0.rawValue) }
    }

    /// What a user can do about it.
    public var hint: String {
        switch self {
        case .notOwner: return "only the task's or source's owner can do this"
        case .notMaster: return "the signer is not a master"
        case .notProvider: return "the signer is not a provider"
        case .expired: return "the task has expired"
        case .alreadyConfirmed: return "this response is already confirmed"
        case .alreadyFinalized: return "the task is already finalized, canceled or attempted"
        case .insufficientBalance: return "deposit more into the Vault (vault deposit) before publishing"
        case .insufficientLockup: return "lock more stake in the Vault"
        case .unbondingNotElapsed: return "wait until the unbonding period has passed"
        case .notEligible: return "the account is not eligible in the Vault"
        case .sourceInactive: return "the source is inactive; choose an active source"
        }
    }
}

extension ContractError {
    public var openGPUKind: OpenGPUErrorKind? { OpenGPUErrorKind.classify(self) }
}
