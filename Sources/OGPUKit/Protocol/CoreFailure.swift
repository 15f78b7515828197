import OGPUPrimitives

/// Every family of error the client core (and the primitives under it) throws from its
/// operations, recognised in one place. A caller that gives errors its own kinds (the language's
/// `KitErrorMapping`) switches over this enum — exhaustively, so a family added here does not
/// compile there until it has a kind. A new error type thrown by the core belongs here.
public enum CoreFailure {
    case contract(ContractError)
    case rpc(RPCError)
    case transport(TransportError)
    case nodeAnswer(EthDecodingError)
    case send(SendError)
    case ipfs(IPFSError)
    case client(OpenGPUClientError)
    case read(OpenGPUReadError)
    case draft(TaskDraftError)
    case taskInput(TaskInput.Invalid)
    case wait(TaskWaitError)
    case discovery(NetworkDiscovery.Failure)
    case journal(JournalError)
    case accountLock(AccountLock.Failure)
    case spending(SpendingRefusal)
    case keystore(Keystore.Error)
    case privateKey(PrivateKey.Error)
    case signature(Secp256k1.Error)
    case transaction(TransactionError)
    case address(AddressError)
    case abiEncoding(ABIEncodingError)
    case abiDecoding(ABIDecodingError)
    case providerSide(ProviderSideError)
    case events(ProtocolEventError)
    case sendRequest(SendRequestError)

    /// nil for an error that is not the core's (a caller's own, or the system's).
    public init?(_ error: Error) {
        switch error {
        case let e as ContractError: self = .contract(e)
        case let e as RPCError: self = .rpc(e)
        case let e as TransportError: self = .transport(e)
        case let e as EthDecodingError: self = .nodeAnswer(e)
        case let e as SendError: self = .send(e)
        case let e as IPFSError: self = .ipfs(e)
        case let e as OpenGPUClientError: self = .client(e)
        case let e as OpenGPUReadError: self = .read(e)
        case let e as TaskDraftError: self = .draft(e)
        case let e as TaskInput.Invalid: self = .taskInput(e)
        case let e as TaskWaitError: self = .wait(e)
        case let e as NetworkDiscovery.Failure: self = .discovery(e)
        case let e as JournalError: self = .journal(e)
        case let e as AccountLock.Failure: self = .accountLock(e)
        case let e as SpendingRefusal: self = .spending(e)
        case let e as Keystore.Error: self = .keystore(e)
        case let e as PrivateKey.Error: self = .privateKey(e)
        case let e as Secp256k1.Error: self = .signature(e)
        case let e as TransactionError: self = .transaction(e)
        case let e as AddressError: self = .address(e)
        case let e as ABIEncodingError: self = .abiEncoding(e)
        case let e as ABIDecodingError: self = .abiDecoding(e)
        case let e as ProviderSideError: self = .providerSide(e)
        case let e as ProtocolEventError: self = .events(e)
        case let e as SendRequestError: self = .sendRequest(e)
        default: return nil
        }
    }
}
