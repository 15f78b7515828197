# pragma version ~=0.4.3
# One Source per published service. Deployed by Nexus from a blueprint; owned by the client in
# its params. Registrations and task bookkeeping come only from Nexus.
import protocol
import ownable

initializes: ownable
exports: (ownable.owner, ownable.transferOwnership, ownable.renounceOwnership)

nexus: public(address)
status: public(uint8)
params: protocol.SourceParams
registrantId: public(HashMap[address, uint256])
preferredEnvironmentOf: public(HashMap[address, uint8])

task_count: uint256
task_at: HashMap[uint256, address]
registrant_count: uint256
registrant_at: HashMap[uint256, address]
is_registered: HashMap[address, bool]


@deploy
@payable
def __init__(_sourceParams: protocol.SourceParams):
    ownable.__init__()
    ownable._transfer_ownership(_sourceParams.client)
    self.nexus = msg.sender
    self.params = _sourceParams
    self.status = protocol.ACTIVE


@internal
@view
def _only_nexus():
    assert msg.sender == self.nexus, "NotNexus"


@external
def publishTask(task: address):
    self._only_nexus()
    self.task_at[self.task_count] = task
    self.task_count += 1


@external
def register(provider: address, preferredEnvironment: uint8) -> uint256:
    self._only_nexus()
    assert not self.is_registered[provider], "AlreadyRegistered"
    i: uint256 = self.registrant_count
    self.registrant_at[i] = provider
    self.registrantId[provider] = i
    self.preferredEnvironmentOf[provider] = preferredEnvironment
    self.is_registered[provider] = True
    self.registrant_count = i + 1
    return i


@external
def unregister(provider: address):
    self._only_nexus()
    assert self.is_registered[provider], "NotRegistered"
    # Swap-and-pop keeps the list dense; the moved registrant takes the freed id.
    i: uint256 = self.registrantId[provider]
    last: uint256 = self.registrant_count - 1
    if i != last:
        moved: address = self.registrant_at[last]
        self.registrant_at[i] = moved
        self.registrantId[moved] = i
    self.registrant_at[last] = empty(address)
    self.registrant_count = last
    self.registrantId[provider] = 0
    self.preferredEnvironmentOf[provider] = 0
    self.is_registered[provider] = False


@external
def setSourceParams(_sourceParams: protocol.SourceParams):
    self._only_nexus()
    p: protocol.SourceParams = _sourceParams
    p.client = self.params.client
    self.params = p


@external
def setStatus(_status: uint8):
    # The "owner route": the source's client may call this directly (PROTOCOL.md §5.7).
    if msg.sender != self.nexus:
        ownable._check_owner()
    assert _status <= protocol.INACTIVE, "InvalidStatus"
    self.status = _status


@external
@view
def getClient() -> address:
    return self.params.client


@external
@view
def getStatus() -> uint8:
    return self.status


@external
@view
def getSourceParams() -> protocol.SourceParams:
    return self.params


@external
@view
def sourceParams() -> (address, String[protocol.MAX_URL], uint8, uint256, uint256, uint256, bool, String[protocol.MAX_URL], uint8, uint256):
    p: protocol.SourceParams = self.params
    return p.client, p.imageMetadataUrl, p.imageEnvironments, p.minPayment, p.minAvailableLockup, p.maxExpiryDuration, p.privacyEnabled, p.optionalParamsUrl, p.deliveryMethod, p.lastUpdateTime


@external
@view
def getTaskCount() -> uint256:
    return self.task_count


@external
@view
def tasks(i: uint256) -> address:
    if i >= self.task_count:
        protocol.panic(50)
    return self.task_at[i]


@internal
@view
def _absolute_window(lower: uint256, upper: uint256, count: uint256) -> uint256:
    # Mirrors the deployed trap (PROTOCOL.md §9.1): the result array has upper-lower+1 slots but
    # is indexed absolutely, so any lower > 0 runs off its end and panics with 0x32.
    n: uint256 = protocol.check_inclusive_range(lower, upper, count)
    if lower > 0:
        protocol.panic(50)
    return n


@external
@view
def getTasks(lower: uint256, upper: uint256) -> DynArray[address, protocol.MAX_LIST]:
    n: uint256 = self._absolute_window(lower, upper, self.task_count)
    out: DynArray[address, protocol.MAX_LIST] = []
    for k: uint256 in range(n, bound=protocol.MAX_LIST):
        out.append(self.task_at[k])
    return out


@external
@view
def getRegistrantCount() -> uint256:
    return self.registrant_count


@external
@view
def registrants(i: uint256) -> address:
    if i >= self.registrant_count:
        protocol.panic(50)
    return self.registrant_at[i]


@external
@view
def getRegistrantId(provider: address) -> uint256:
    return self.registrantId[provider]


@external
@view
def getRegistrants(lower: uint256, upper: uint256) -> DynArray[address, protocol.MAX_LIST]:
    n: uint256 = self._absolute_window(lower, upper, self.registrant_count)
    out: DynArray[address, protocol.MAX_LIST] = []
    for k: uint256 in range(n, bound=protocol.MAX_LIST):
        out.append(self.registrant_at[k])
    return out
