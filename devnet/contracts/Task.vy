# pragma version ~=0.4.3
# One Task per published job. Deployed by Controller from a blueprint; Controller then hands
# ownership to the publishing client, so `owner()` is the task's client. State changes come
# only from Nexus (the `nexus` constructor argument).
import protocol
import ownable

initializes: ownable
exports: (ownable.owner, ownable.transferOwnership, ownable.renounceOwnership)

interface IResponse:
    def confirmedFinal() -> bool: view
    def getResponseParams() -> protocol.ResponseParams: view

params: protocol.TaskParams
nexus: address
status: public(uint8)
deliveryMethod: public(uint8)
winningProvider: public(address)
isAlreadySubmitted: public(HashMap[bytes32, bool])
responseOf: public(HashMap[address, address])

attempt_count: uint256
attempter_at: HashMap[uint256, address]
timestamp_at: HashMap[uint256, uint256]
response_at: HashMap[uint256, address]
attempter_id: HashMap[address, uint256]
has_attempted: HashMap[address, bool]


@deploy
@payable
def __init__(_taskParams: protocol.TaskParams, _deliveryMethod: uint8, nexus: address):
    ownable.__init__()
    self.params = _taskParams
    self.deliveryMethod = _deliveryMethod
    self.nexus = nexus
    self.status = protocol.NEW


@internal
@view
def _only_nexus():
    assert msg.sender == self.nexus, "NotNexus"


@external
def attempt(provider: address):
    self._only_nexus()
    assert not self.has_attempted[provider], "AlreadyAttempted"
    i: uint256 = self.attempt_count
    assert i < protocol.MAX_LIST, "TooManyAttempts"
    self.attempter_at[i] = provider
    self.timestamp_at[i] = block.timestamp
    self.attempter_id[provider] = i
    self.has_attempted[provider] = True
    self.attempt_count = i + 1


@external
def submitResponse(response: address, provider: address):
    self._only_nexus()
    assert self.has_attempted[provider], "NotAttempted"
    assert self.responseOf[provider] == empty(address), "AlreadySubmitted"
    self.responseOf[provider] = response
    self.response_at[self.attempter_id[provider]] = response
    rp: protocol.ResponseParams = staticcall IResponse(response).getResponseParams()
    self.isAlreadySubmitted[keccak256(rp.data)] = True


@external
def setStatus(_status: uint8):
    self._only_nexus()
    assert _status <= protocol.FINALIZED, "InvalidStatus"
    self.status = _status
    if _status == protocol.FINALIZED:
        # The winner is the provider whose response has been confirmed.
        for i: uint256 in range(self.attempt_count, bound=protocol.MAX_LIST):
            r: address = self.response_at[i]
            if r != empty(address) and staticcall IResponse(r).confirmedFinal():
                self.winningProvider = self.attempter_at[i]
                break


@external
@view
def getStatus() -> uint8:
    return self.status


@external
@view
def taskParams() -> (address, String[protocol.MAX_URL], uint256, uint256):
    p: protocol.TaskParams = self.params
    return p.source, p.config, p.expiryTime, p.payment


@external
@view
def getSource() -> address:
    return self.params.source


@external
@view
def getPayment() -> uint256:
    return self.params.payment


@external
@view
def getExpiryTime() -> uint256:
    return self.params.expiryTime


@external
@view
def getDeliveryMethod() -> uint8:
    return self.deliveryMethod


@external
@view
def getAttemptCount() -> uint256:
    return self.attempt_count


@external
@view
def attempters(i: uint256) -> address:
    if i >= self.attempt_count:
        protocol.panic(50)
    return self.attempter_at[i]


@external
@view
def attemptTimestamps(i: uint256) -> uint256:
    if i >= self.attempt_count:
        protocol.panic(50)
    return self.timestamp_at[i]


@external
@view
def attempterId(provider: address) -> uint256:
    return self.attempter_id[provider]


@external
@view
def getAttempterId(provider: address) -> uint256:
    return self.attempter_id[provider]


@external
@view
def getAttempters(lower: uint256, upper: uint256) -> DynArray[address, protocol.MAX_LIST]:
    n: uint256 = protocol.check_inclusive_range(lower, upper, self.attempt_count)
    out: DynArray[address, protocol.MAX_LIST] = []
    for k: uint256 in range(n, bound=protocol.MAX_LIST):
        out.append(self.attempter_at[lower + k])
    return out


@external
@view
def getAttemptTimestamps(lower: uint256, upper: uint256) -> DynArray[uint256, protocol.MAX_LIST]:
    n: uint256 = protocol.check_inclusive_range(lower, upper, self.attempt_count)
    out: DynArray[uint256, protocol.MAX_LIST] = []
    for k: uint256 in range(n, bound=protocol.MAX_LIST):
        out.append(self.timestamp_at[lower + k])
    return out


@external
@view
def getResponsesOf(lower: uint256, upper: uint256) -> DynArray[address, protocol.MAX_LIST]:
    # Indexed like the attempters; the zero address marks an attempter that has not responded.
    n: uint256 = protocol.check_inclusive_range(lower, upper, self.attempt_count)
    out: DynArray[address, protocol.MAX_LIST] = []
    for k: uint256 in range(n, bound=protocol.MAX_LIST):
        out.append(self.response_at[lower + k])
    return out
