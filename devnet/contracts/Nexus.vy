# pragma version ~=0.4.3
# Registry and event hub: sources, provider registrations, attempts and responses. Every
# protocol event a client watches is emitted here, unindexed, as on the deployed chain.
import protocol
import ownable
import blueprints

initializes: ownable
exports: (ownable.owner, ownable.transferOwnership, ownable.renounceOwnership)

interface IManager:
    def hasRole(role: bytes32, account: address) -> bool: view

interface IVault:
    def MIN_LOCKUP_PER_SOURCE() -> uint256: view
    def lockupOf(account: address) -> uint256: view
    def processPayment(client: address, provider: address, task: address, amount: uint256): nonpayable

interface ITerminal:
    def masterOf(provider: address) -> address: view
    def isAgentOf(account: address, agent: address) -> bool: view

interface ISource:
    def owner() -> address: view
    def getStatus() -> uint8: view
    def getSourceParams() -> protocol.SourceParams: view
    def publishTask(task: address): nonpayable
    def register(provider: address, preferredEnvironment: uint8) -> uint256: nonpayable
    def unregister(provider: address): nonpayable
    def setSourceParams(_sourceParams: protocol.SourceParams): nonpayable
    def setStatus(_status: uint8): nonpayable
    def getRegistrantId(provider: address) -> uint256: view
    def getRegistrantCount() -> uint256: view
    def registrants(i: uint256) -> address: view

interface ITask:
    def owner() -> address: view
    def getStatus() -> uint8: view
    def getSource() -> address: view
    def getPayment() -> uint256: view
    def getExpiryTime() -> uint256: view
    def getDeliveryMethod() -> uint8: view
    def responseOf(provider: address) -> address: view
    def isAlreadySubmitted(h: bytes32) -> bool: view
    def attempt(provider: address): nonpayable
    def submitResponse(response: address, provider: address): nonpayable
    def setStatus(_status: uint8): nonpayable

interface IResponse:
    def confirm(): nonpayable
    def setStatus(_status: uint8): nonpayable

CONTROLLER: public(constant(bytes32)) = keccak256("CONTROLLER")
PROVIDER: public(constant(bytes32)) = keccak256("PROVIDER")

event TaskPublished:
    task: address
    source: address

event SourcePublished:
    source: address

event ResponseSubmitted:
    response: address
    task: address

event Attempted:
    task: address
    provider: address
    suggestedPayment: uint256

event Registered:
    provider: address
    registrantId: uint256
    source: address
    preferredEnvironment: uint8

event TaskStatusChanged:
    task: address
    status: uint8

event ResponseStatusChanged:
    response: address
    status: uint8

event SourceStatusChanged:
    source: address
    status: uint8

event SourceUpdated:
    source: address
    sourceParams: protocol.SourceParams

manager: public(address)
terminal: public(address)
vault: public(address)
sourceId: public(HashMap[address, uint256])
activeSourceCountOf: public(HashMap[address, uint256])

source_count: uint256
source_at: HashMap[uint256, address]
is_source: HashMap[address, bool]
client_count: uint256
client_at: HashMap[uint256, address]
is_client: HashMap[address, bool]
source_count_of: HashMap[address, uint256]
source_of: HashMap[address, HashMap[uint256, address]]
is_task: HashMap[address, bool]


@deploy
def __init__(_manager: address, _terminal: address, _vault: address):
    ownable.__init__()
    self.manager = _manager
    self.terminal = _terminal
    self.vault = _vault


# --- access -----------------------------------------------------------------------------------

@internal
@view
def _is_controller(account: address) -> bool:
    return staticcall IManager(self.manager).hasRole(CONTROLLER, account)


@internal
@view
def _acts_for(provider: address, caller: address) -> bool:
    # The provider itself, its master, or an agent of that master (PROTOCOL.md §5.2).
    if caller == provider:
        return True
    master: address = staticcall ITerminal(self.terminal).masterOf(provider)
    if master == empty(address):
        return False
    return caller == master or staticcall ITerminal(self.terminal).isAgentOf(master, caller)


@internal
@view
def _only_controller_or_owner():
    assert msg.sender == ownable.owner or self._is_controller(msg.sender), "NotController"


@external
@view
def checkController(account: address) -> bool:
    return self._is_controller(account)


# --- sources ----------------------------------------------------------------------------------

@external
def publishSource(_sourceParams: protocol.SourceParams):
    client: address = _sourceParams.client
    assert client == msg.sender or staticcall ITerminal(self.terminal).isAgentOf(client, msg.sender), "NotOwner"
    assert _sourceParams.deliveryMethod <= protocol.FIRST_RESPONSE, "InvalidDeliveryMethod"
    source: address = create_from_blueprint(blueprints.SOURCE, _sourceParams, code_offset=3)
    self.sourceId[source] = self.source_count
    self.source_at[self.source_count] = source
    self.source_count += 1
    self.is_source[source] = True
    if not self.is_client[client]:
        self.is_client[client] = True
        self.client_at[self.client_count] = client
        self.client_count += 1
    self.source_of[client][self.source_count_of[client]] = source
    self.source_count_of[client] += 1
    self.activeSourceCountOf[client] += 1
    log SourcePublished(source=source)


@internal
@view
def _owned_source(source: address) -> address:
    assert self.is_source[source], "UnknownSource"
    owner: address = staticcall ISource(source).owner()
    assert owner == msg.sender, "NotOwner"
    return owner


@external
def updateSource(source: address, _sourceParams: protocol.SourceParams):
    self._owned_source(source)
    assert _sourceParams.deliveryMethod <= protocol.FIRST_RESPONSE, "InvalidDeliveryMethod"
    extcall ISource(source).setSourceParams(_sourceParams)
    log SourceUpdated(source=source, sourceParams=staticcall ISource(source).getSourceParams())


@internal
def _set_source_status(source: address, status: uint8):
    assert self.is_source[source], "UnknownSource"
    before: uint8 = staticcall ISource(source).getStatus()
    extcall ISource(source).setStatus(status)
    client: address = staticcall ISource(source).owner()
    if before == protocol.ACTIVE and status == protocol.INACTIVE:
        self.activeSourceCountOf[client] -= 1
    elif before == protocol.INACTIVE and status == protocol.ACTIVE:
        self.activeSourceCountOf[client] += 1
    log SourceStatusChanged(source=source, status=status)


@external
def inactivateSource(source: address):
    self._owned_source(source)
    assert staticcall ISource(source).getStatus() == protocol.ACTIVE, "SourceInactive"
    self._set_source_status(source, protocol.INACTIVE)


@external
def setSourceStatus(source: address, status: uint8):
    self._only_controller_or_owner()
    self._set_source_status(source, status)


# --- providers --------------------------------------------------------------------------------

@external
def register(source: address, provider: address, preferredEnvironment: uint8):
    assert self._acts_for(provider, msg.sender), "NotProvider"
    assert self.is_source[source], "UnknownSource"
    assert staticcall ISource(source).getStatus() == protocol.ACTIVE, "SourceInactive"
    needed: uint256 = max(staticcall IVault(self.vault).MIN_LOCKUP_PER_SOURCE(), (staticcall ISource(source).getSourceParams()).minAvailableLockup)
    assert staticcall IVault(self.vault).lockupOf(provider) >= needed, "InsufficientLockup"
    registrant_id: uint256 = extcall ISource(source).register(provider, preferredEnvironment)
    log Registered(provider=provider, registrantId=registrant_id, source=source, preferredEnvironment=preferredEnvironment)


@external
def unregister(source: address, provider: address):
    assert self._acts_for(provider, msg.sender), "NotProvider"
    assert self.is_source[source], "UnknownSource"
    extcall ISource(source).unregister(provider)


@internal
@view
def _is_registered(source: address, provider: address) -> bool:
    n: uint256 = staticcall ISource(source).getRegistrantCount()
    if n == 0:
        return False
    i: uint256 = staticcall ISource(source).getRegistrantId(provider)
    return i < n and staticcall ISource(source).registrants(i) == provider


@internal
@view
def _open_task(task: address):
    assert self.is_task[task], "UnknownTask"
    status: uint8 = staticcall ITask(task).getStatus()
    assert status != protocol.FINALIZED and status != protocol.CANCELED and status != protocol.EXPIRED, "AlreadyFinalized"
    assert block.timestamp < staticcall ITask(task).getExpiryTime(), "Expired"


@internal
def _set_task_status(task: address, status: uint8):
    extcall ITask(task).setStatus(status)
    log TaskStatusChanged(task=task, status=status)


@external
def attempt(task: address, provider: address, suggestedPayment: uint256):
    assert self._acts_for(provider, msg.sender), "NotProvider"
    self._open_task(task)
    assert self._is_registered(staticcall ITask(task).getSource(), provider), "NotRegistered"
    extcall ITask(task).attempt(provider)
    log Attempted(task=task, provider=provider, suggestedPayment=suggestedPayment)
    if staticcall ITask(task).getStatus() == protocol.NEW:
        self._set_task_status(task, protocol.ATTEMPTED)


@external
def submitResponse(_responseParams: protocol.ResponseParams):
    task: address = _responseParams.task
    provider: address = _responseParams.provider
    assert self._acts_for(provider, msg.sender), "NotProvider"
    self._open_task(task)
    assert not staticcall ITask(task).isAlreadySubmitted(keccak256(_responseParams.data)), "DuplicateResponse"
    response: address = create_from_blueprint(blueprints.RESPONSE, _responseParams, code_offset=3)
    extcall ITask(task).submitResponse(response, provider)
    log ResponseSubmitted(response=response, task=task)
    if staticcall ITask(task).getDeliveryMethod() == protocol.FIRST_RESPONSE:
        # The first answer is the accepted one: confirm, finalize and pay at once.
        extcall IResponse(response).confirm()
        log ResponseStatusChanged(response=response, status=protocol.CONFIRMED)
        self._set_task_status(task, protocol.FINALIZED)
        payment: uint256 = staticcall ITask(task).getPayment()
        extcall IVault(self.vault).processPayment(staticcall ITask(task).owner(), provider, task, payment)
    elif staticcall ITask(task).getStatus() != protocol.RESPONDED:
        self._set_task_status(task, protocol.RESPONDED)


# --- protocol hooks (Controller) --------------------------------------------------------------

@external
def emitTaskPublished(task: address, source: address):
    assert self._is_controller(msg.sender), "NotController"
    assert self.is_source[source], "UnknownSource"
    self.is_task[task] = True
    extcall ISource(source).publishTask(task)
    log TaskPublished(task=task, source=source)


@external
def setTaskStatus(task: address, status: uint8):
    self._only_controller_or_owner()
    assert self.is_task[task], "UnknownTask"
    self._set_task_status(task, status)


@external
def setResponseStatus(response: address, status: uint8):
    self._only_controller_or_owner()
    if status == protocol.CONFIRMED:
        extcall IResponse(response).confirm()
    else:
        extcall IResponse(response).setStatus(status)
    log ResponseStatusChanged(response=response, status=status)


# --- views ------------------------------------------------------------------------------------

@external
@view
def getSourceCount() -> uint256:
    return self.source_count


@external
@view
def getSourceId(source: address) -> uint256:
    return self.sourceId[source]


@external
@view
def sources(i: uint256) -> address:
    if i >= self.source_count:
        protocol.panic(50)
    return self.source_at[i]


@external
@view
def getSources(lower: uint256, upper: uint256) -> DynArray[address, protocol.MAX_LIST]:
    n: uint256 = protocol.check_inclusive_range(lower, upper, self.source_count)
    out: DynArray[address, protocol.MAX_LIST] = []
    for k: uint256 in range(n, bound=protocol.MAX_LIST):
        out.append(self.source_at[lower + k])
    return out


@external
@view
def clients(i: uint256) -> address:
    if i >= self.client_count:
        protocol.panic(50)
    return self.client_at[i]


@external
@view
def sourcesOf(client: address, i: uint256) -> address:
    if i >= self.source_count_of[client]:
        protocol.panic(50)
    return self.source_of[client][i]


@external
@view
def getActiveSourceCount(client: address) -> uint256:
    return self.activeSourceCountOf[client]


@external
def setManager(_manager: address):
    ownable._check_owner()
    self.manager = _manager


@external
def setTerminal(_terminal: address):
    ownable._check_owner()
    self.terminal = _terminal


@external
def setVault(_vault: address):
    ownable._check_owner()
    self.vault = _vault
