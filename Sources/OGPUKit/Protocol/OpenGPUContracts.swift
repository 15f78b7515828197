import OGPUPrimitives
/// Every OpenGPU contract function and event this client uses, as human-readable signatures
/// (PROTOCOL.md §5–6, Appendix A). A test checks each against `shared/protocol/abi/`.
public enum OpenGPUContracts {
    private static func fn(_ contract: String, _ signature: String) -> ABIFunction {
        do { return try ABIFunction(signature: signature) } catch { fatalError("bad built-in signature \(signature): \(error)") }
    }

    private static func ev(_ contract: String, _ signature: String) -> ABIEvent {
        do { return try ABIEvent(signature: signature) } catch { fatalError("bad built-in signature \(signature): \(error)") }
    }

    /// Every declared function with its contract's ABI file stem (`<Contract>Abi.json`).
    public static var allFunctions: [(contract: String, function: ABIFunction)] {
        [
            ("Controller", Controller.publishTask),
            ("Controller", Controller.confirmResponse),
            ("Controller", Controller.cancelTask),
            ("Nexus", Nexus.publishSource),
            ("Nexus", Nexus.updateSource),
            ("Nexus", Nexus.inactivateSource),
            ("Nexus", Nexus.getSourceCount),
            ("Nexus", Nexus.getSources),
            ("Task", Task.getStatus),
            ("Task", Task.taskParams),
            ("Task", Task.getAttemptCount),
            ("Task", Task.getAttempters),
            ("Task", Task.getAttemptTimestamps),
            ("Task", Task.getResponsesOf),
            ("Task", Task.getDeliveryMethod),
            ("Task", Task.winningProvider),
            ("Task", Task.owner),
            ("Response", Response.getResponseParams),
            ("Response", Response.getStatus),
            ("Response", Response.confirmedFinal),
            ("Response", Response.responseTimestamp),
            ("Source", Source.getClient),
            ("Source", Source.getStatus),
            ("Source", Source.getSourceParams),
            ("Source", Source.getTaskCount),
            ("Source", Source.getTasks),
            ("Source", Source.getRegistrantCount),
            ("Vault", Vault.deposit),
            ("Vault", Vault.lock),
            ("Vault", Vault.unbond),
            ("Vault", Vault.withdraw),
            ("Vault", Vault.claim),
            ("Vault", Vault.balanceOf),
            ("Vault", Vault.lockupOf),
            ("Vault", Vault.unbondingOf),
            ("Vault", Vault.unbondingTimestamp),
            ("Vault", Vault.frozenPayment),
            ("Vault", Vault.totalEarningsOf),
            ("Vault", Vault.isEligible),
            ("Vault", Vault.minLockupPerSource),
            ("Vault", Vault.unbondingPeriod),
            ("Terminal", Terminal.setAgent),
            ("Terminal", Terminal.isAgentOf),
        ]
    }

    /// Every declared event with its emitter's ABI file stem.
    public static var allEvents: [(contract: String, event: ABIEvent)] {
        [
            ("Nexus", Nexus.taskPublished),
            ("Nexus", Nexus.sourcePublished),
            ("Nexus", Nexus.responseSubmitted),
            ("Nexus", Nexus.attempted),
            ("Nexus", Nexus.taskStatusChanged),
            ("Nexus", Nexus.responseStatusChanged),
            ("Nexus", Nexus.sourceStatusChanged),
        ]
    }

    public static let taskParamsTuple = "(address,string,uint256,uint256)"
    public static let sourceParamsTuple = "(address,string,uint8,uint256,uint256,uint256,bool,string,uint8,uint256)"
    public static let responseParamsTuple = "(address,address,string,uint256)"

    public enum Controller {
        public static let publishTask = fn("Controller", "publishTask(\(taskParamsTuple))")
        public static let confirmResponse = fn("Controller", "confirmResponse(address)")
        public static let cancelTask = fn("Controller", "cancelTask(address)")
    }

    public enum Nexus {
        public static let publishSource = fn("Nexus", "publishSource(\(sourceParamsTuple))")
        public static let updateSource = fn("Nexus", "updateSource(address,\(sourceParamsTuple))")
        public static let inactivateSource = fn("Nexus", "inactivateSource(address)")
        public static let getSourceCount = fn("Nexus", "getSourceCount() view returns (uint256)")
        public static let getSources = fn("Nexus", "getSources(uint256,uint256) view returns (address[])")

        public static let taskPublished = ev("Nexus", "TaskPublished(address task, address source)")
        public static let sourcePublished = ev("Nexus", "SourcePublished(address source)")
        public static let responseSubmitted = ev("Nexus", "ResponseSubmitted(address response, address task)")
        public static let attempted = ev("Nexus", "Attempted(address task, address provider, uint256 suggestedPayment)")
        public static let taskStatusChanged = ev("Nexus", "TaskStatusChanged(address task, uint8 status)")
        public static let responseStatusChanged = ev("Nexus", "ResponseStatusChanged(address response, uint8 status)")
        public static let sourceStatusChanged = ev("Nexus", "SourceStatusChanged(address source, uint8 status)")
    }

    public enum Task {
        public static let getStatus = fn("Task", "getStatus() view returns (uint8)")
        public static let taskParams = fn("Task", "taskParams() view returns \(taskParamsTuple)")
        public static let getAttemptCount = fn("Task", "getAttemptCount() view returns (uint256)")
        public static let getAttempters = fn("Task", "getAttempters(uint256,uint256) view returns (address[])")
        public static let getAttemptTimestamps = fn("Task", "getAttemptTimestamps(uint256,uint256) view returns (uint256[])")
        public static let getResponsesOf = fn("Task", "getResponsesOf(uint256,uint256) view returns (address[])")
        public static let getDeliveryMethod = fn("Task", "getDeliveryMethod() view returns (uint8)")
        public static let winningProvider = fn("Task", "winningProvider() view returns (address)")
        public static let owner = fn("Task", "owner() view returns (address)")
    }

    public enum Response {
        public static let getResponseParams = fn("Response", "getResponseParams() view returns (\(responseParamsTuple))")
        public static let getStatus = fn("Response", "getStatus() view returns (uint8)")
        public static let confirmedFinal = fn("Response", "confirmedFinal() view returns (bool)")
        public static let responseTimestamp = fn("Response", "responseTimestamp() view returns (uint256)")
    }

    public enum Source {
        public static let getClient = fn("Source", "getClient() view returns (address)")
        public static let getStatus = fn("Source", "getStatus() view returns (uint8)")
        public static let getSourceParams = fn("Source", "getSourceParams() view returns (\(sourceParamsTuple))")
        public static let getTaskCount = fn("Source", "getTaskCount() view returns (uint256)")
        public static let getTasks = fn("Source", "getTasks(uint256,uint256) view returns (address[])")
        public static let getRegistrantCount = fn("Source", "getRegistrantCount() view returns (uint256)")
    }

    public enum Vault {
        public static let deposit = fn("Vault", "deposit(address) payable")
        public static let lock = fn("Vault", "lock(uint256)")
        public static let unbond = fn("Vault", "unbond(uint256)")
        public static let withdraw = fn("Vault", "withdraw(uint256)")
        public static let claim = fn("Vault", "claim()")
        public static let balanceOf = fn("Vault", "balanceOf(address) view returns (uint256)")
        public static let lockupOf = fn("Vault", "lockupOf(address) view returns (uint256)")
        public static let unbondingOf = fn("Vault", "unbondingOf(address) view returns (uint256)")
        public static let unbondingTimestamp = fn("Vault", "unbondingTimestamp(address) view returns (uint256)")
        public static let frozenPayment = fn("Vault", "frozenPayment(address) view returns (uint256)")
        public static let totalEarningsOf = fn("Vault", "totalEarningsOf(address) view returns (uint256)")
        public static let isEligible = fn("Vault", "isEligible(address) view returns (bool)")
        public static let minLockupPerSource = fn("Vault", "MIN_LOCKUP_PER_SOURCE() view returns (uint256)")
        public static let unbondingPeriod = fn("Vault", "UNBONDING_PERIOD() view returns (uint256)")
    }

    public enum Terminal {
        public static let setAgent = fn("Terminal", "setAgent(address,bool)")
        public static let isAgentOf = fn("Terminal", "isAgentOf(address,address) view returns (bool)")
    }
}
