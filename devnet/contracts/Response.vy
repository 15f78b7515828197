# pragma version ~=0.4.3
# One Response per submitted answer. Deployed by Nexus (its owner) from a blueprint.
import protocol
import ownable

initializes: ownable
exports: (ownable.owner, ownable.transferOwnership, ownable.renounceOwnership)

params: protocol.ResponseParams
status: public(uint8)
confirmedFinal: public(bool)
responseTimestamp: public(uint256)


@deploy
@payable
def __init__(_responseParams: protocol.ResponseParams):
    ownable.__init__()
    self.params = _responseParams
    self.responseTimestamp = block.timestamp


@external
@view
def getResponseParams() -> protocol.ResponseParams:
    return self.params


@external
@view
def responseParams() -> (address, address, String[protocol.MAX_DATA], uint256):
    p: protocol.ResponseParams = self.params
    return p.task, p.provider, p.data, p.payment


@external
@view
def getStatus() -> uint8:
    return self.status


@external
def confirm():
    ownable._check_owner()
    assert not self.confirmedFinal, "AlreadyConfirmed"
    self.confirmedFinal = True
    self.status = protocol.CONFIRMED


@external
def setStatus(_status: uint8):
    ownable._check_owner()
    assert _status <= protocol.CONFIRMED, "InvalidStatus"
    self.status = _status
    self.confirmedFinal = _status == protocol.CONFIRMED
