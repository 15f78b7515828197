# pragma version ~=0.4.3
# The client's entry point: publish a task (escrowing its payment in the Vault), confirm a
# response (paying the provider), cancel a task (refunding the client).
import protocol
import ownable
import blueprints

initializes: ownable
exports: (ownable.owner, ownable.transferOwnership, ownable.renounceOwnership)

interface INexus:
    def getSourceId(source: address) -> uint256: view
    def getSourceCount() -> uint256: view
    def sources(i: uint256) -> address: view
    def emitTaskPublished(task: address, source: address): nonpayable
    def setTaskStatus(task: address, status: uint8): nonpayable
    def setResponseStatus(response: address, status: uint8): nonpayable

interface IVault:
    def balanceOf(account: address) -> uint256: view
    def freezePayment(client: address, task: address, amount: uint256): nonpayable
    def releasePayment(client: address, task: address): nonpayable
    def forceReleasePayment(client: address, task: address): nonpayable
    def processPayment(client: address, provider: address, task: address, amount: uint256): nonpayable

interface ISource:
    def getStatus() -> uint8: view
    def getSourceParams() -> protocol.SourceParams: view

interface ITask:
    def owner() -> address: view
    def getStatus() -> uint8: view
    def getPayment() -> uint256: view
    def getExpiryTime() -> uint256: view
    def transferOwnership(newOwner: address): nonpayable

interface IResponse:
    def owner() -> address: view
    def confirmedFinal() -> bool: view
    def getResponseParams() -> protocol.ResponseParams: view

nexus: public(address)
terminal: public(address)
vault: public(address)

published: HashMap[address, bool]


@deploy
def __init__(_nexus: address, _terminal: address, _vault: address):
    ownable.__init__()
    self.nexus = _nexus
    self.terminal = _terminal
    self.vault = _vault


@external
def publishTask(_taskParams: protocol.TaskParams):
    source: address = _taskParams.source
    # A source is one Nexus deployed: its id must point back at it.
    sid: uint256 = staticcall INexus(self.nexus).getSourceId(source)
    assert sid < staticcall INexus(self.nexus).getSourceCount(), "UnknownSource"
    assert staticcall INexus(self.nexus).sources(sid) == source, "UnknownSource"
    assert staticcall ISource(source).getStatus() == protocol.ACTIVE, "SourceInactive"
    sp: protocol.SourceParams = staticcall ISource(source).getSourceParams()
    assert _taskParams.payment >= sp.minPayment, "PaymentBelowMinimum"
    assert _taskParams.expiryTime > block.timestamp, "Expired"
    assert _taskParams.expiryTime <= block.timestamp + sp.maxExpiryDuration, "ExpiryTooLong"
    assert staticcall IVault(self.vault).balanceOf(msg.sender) >= _taskParams.payment, "InsufficientBalance"

    task: address = create_from_blueprint(blueprints.TASK, _taskParams, sp.deliveryMethod, self.nexus, code_offset=3)
    extcall ITask(task).transferOwnership(msg.sender)
    self.published[task] = True
    extcall IVault(self.vault).freezePayment(msg.sender, task, _taskParams.payment)
    extcall INexus(self.nexus).emitTaskPublished(task, source)


@external
def cancelTask(task: address):
    assert self.published[task], "UnknownTask"
    client: address = staticcall ITask(task).owner()
    assert client == msg.sender, "NotOwner"
    status: uint8 = staticcall ITask(task).getStatus()
    assert status != protocol.FINALIZED and status != protocol.CANCELED and status != protocol.EXPIRED, "AlreadyFinalized"
    if status == protocol.NEW:
        extcall INexus(self.nexus).setTaskStatus(task, protocol.CANCELED)
        extcall IVault(self.vault).releasePayment(client, task)
        return
    # Attempted but never answered: once expired, the client takes the escrow back (§16.4).
    assert status == protocol.ATTEMPTED, "AlreadyAttempted"
    assert block.timestamp >= staticcall ITask(task).getExpiryTime(), "AlreadyAttempted"
    extcall INexus(self.nexus).setTaskStatus(task, protocol.EXPIRED)
    extcall IVault(self.vault).forceReleasePayment(client, task)


@external
def confirmResponse(response: address):
    assert response.is_contract, "UnknownResponse"
    assert staticcall IResponse(response).owner() == self.nexus, "UnknownResponse"
    rp: protocol.ResponseParams = staticcall IResponse(response).getResponseParams()
    task: address = rp.task
    assert self.published[task], "UnknownResponse"
    client: address = staticcall ITask(task).owner()
    assert client == msg.sender, "NotOwner"
    assert not staticcall IResponse(response).confirmedFinal(), "AlreadyConfirmed"
    status: uint8 = staticcall ITask(task).getStatus()
    assert status != protocol.FINALIZED and status != protocol.CANCELED and status != protocol.EXPIRED, "AlreadyFinalized"
    extcall INexus(self.nexus).setResponseStatus(response, protocol.CONFIRMED)
    extcall INexus(self.nexus).setTaskStatus(task, protocol.FINALIZED)
    extcall IVault(self.vault).processPayment(client, rp.provider, task, staticcall ITask(task).getPayment())


@external
def setNexus(_nexus: address):
    ownable._check_owner()
    self.nexus = _nexus


@external
def setTerminal(_terminal: address):
    ownable._check_owner()
    self.terminal = _terminal


@external
def setVault(_vault: address):
    ownable._check_owner()
    self.vault = _vault
