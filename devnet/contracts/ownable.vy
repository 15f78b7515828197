# pragma version ~=0.4.3
# OpenZeppelin Ownable, with its custom errors, as the deployed contracts use it.

owner: public(address)

event OwnershipTransferred:
    previousOwner: indexed(address)
    newOwner: indexed(address)


@deploy
def __init__():
    self._transfer_ownership(msg.sender)


@internal
@view
def _check_owner():
    if msg.sender != self.owner:
        raw_revert(concat(method_id("OwnableUnauthorizedAccount(address)"), abi_encode(msg.sender)))


@external
def transferOwnership(newOwner: address):
    self._check_owner()
    if newOwner == empty(address):
        raw_revert(concat(method_id("OwnableInvalidOwner(address)"), abi_encode(empty(address))))
    self._transfer_ownership(newOwner)


@external
def renounceOwnership():
    self._check_owner()
    self._transfer_ownership(empty(address))


@internal
def _transfer_ownership(new_owner: address):
    previous: address = self.owner
    self.owner = new_owner
    log OwnershipTransferred(previousOwner=previous, newOwner=new_owner)
