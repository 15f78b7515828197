import OGPUPrimitives

/// The provider and master side of the contracts, and every protocol event (PROTOCOL.md §5.2–5.4,
/// §6, §10), as human-readable signatures. `OpenGPUContractsTests` checks each against
/// `shared/protocol/abi/` like the client side's.
extension OpenGPUContracts {
    private static func sig(_ signature: String) -> ABIFunction {
        do { return try ABIFunction(signature: signature) } catch { fatalError("bad built-in signature \(signature): \(error)") }
    }

    private static func event(_ signature: String) -> ABIEvent {
        do { return try ABIEvent(signature: signature) } catch { fatalError("bad built-in signature \(signature): \(error)") }
    }

    /// Functions in both ABI flavors.
    public static var providerFunctions: [(contract: String, function: ABIFunction)] {
        [
            ("Nexus", ProviderSide.register), ("Nexus", ProviderSide.unregister), ("Nexus", ProviderSide.attempt),
            ("Nexus", ProviderSide.submitResponse),
            ("Terminal", ProviderSide.announceProvider), ("Terminal", ProviderSide.announceMaster),
            ("Terminal", ProviderSide.masterOf), ("Terminal", ProviderSide.providerOf),
            ("Source", ProviderSide.getRegistrants), ("Source", ProviderSide.preferredEnvironmentOf),
            ("Task", ProviderSide.responseOf), ("Task", ProviderSide.getSource),
        ]
    }

    /// Functions only the mainnet ABI has (PROTOCOL.md §15.1).
    public static var mainnetOnlyFunctions: [(contract: String, function: ABIFunction)] {
        [("Vault", ProviderSide.cancelUnbonding)]
    }

    public enum ProviderSide {
        public static let register = sig("register(address,address,uint8)")
        public static let unregister = sig("unregister(address,address)")
        public static let attempt = sig("attempt(address,address,uint256)")
        public static let submitResponse = sig("submitResponse(\(responseParamsTuple))")
        public static let announceProvider = sig("announceProvider(address,uint256) payable")
        public static let announceMaster = sig("announceMaster(address)")
        public static let masterOf = sig("masterOf(address) view returns (address)")
        public static let providerOf = sig("providerOf(address) view returns (address)")
        public static let getRegistrants = sig("getRegistrants(uint256,uint256) view returns (address[])")
        public static let preferredEnvironmentOf = sig("preferredEnvironmentOf(address) view returns (uint8)")
        public static let responseOf = sig("responseOf(address) view returns (address)")
        public static let getSource = sig("getSource() view returns (address)")
        /// Mainnet only: unbonding back to locked stake.
        public static let cancelUnbonding = sig("cancelUnbonding()")
    }

    /// Which singleton emits an event.
    public enum Emitter: String, Sendable, CaseIterable {
        case nexus = "Nexus", terminal = "Terminal", vault = "Vault"
    }

    /// Every protocol event the singletons emit, with its emitter (`OwnershipTransferred` left out:
    /// every new task, source and response emits one, and it says nothing about the protocol).
    /// `UnbondingCanceled` is mainnet's only (`mainnetOnlyEvents`).
    public static let protocolEvents: [(emitter: Emitter, event: ABIEvent)] = {
        let account = "(address account, uint256 amount)"
        var list: [(Emitter, ABIEvent)] = [
            (.nexus, Nexus.taskPublished), (.nexus, Nexus.sourcePublished), (.nexus, Nexus.responseSubmitted),
            (.nexus, Nexus.attempted), (.nexus, Nexus.taskStatusChanged), (.nexus, Nexus.responseStatusChanged),
            (.nexus, Nexus.sourceStatusChanged),
            (.nexus, event("Registered(address provider, uint256 registrantId, address source, uint8 preferredEnvironment)")),
            (.nexus, event("SourceUpdated(address source, \(sourceParamsTuple) sourceParams)")),
            (.terminal, event("AgentSet(address account, address agent, bool value)")),
            (.terminal, event("ProviderAnnounced(address provider, address master)")),
            (.terminal, event("MasterAnnounced(address provider, address master)")),
            (.terminal, event("ProviderRemoved(address provider)")),
            (.terminal, event("RemoveContainer(address provider, address source)")),
            (.terminal, event("DefaultAgentDisabled(address master, bool value)")),
            (.terminal, event("BaseDataUpdated(address provider)")),
            (.terminal, event("LiveDataUpdated(address provider)")),
        ]
        for name in ["Deposited", "Withdrawn", "Locked", "Unbonded", "Claimed", "Sanctioned", "Waived"] {
            list.append((.vault, event(name + account)))
        }
        return list
    }()

    public static let mainnetOnlyEvents: [(emitter: Emitter, event: ABIEvent)] = [
        (.vault, event("UnbondingCanceled(address account, uint256 amount)")),
    ]
}
