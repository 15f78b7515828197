# pragma version ~=0.4.3
# OpenZeppelin AccessControl with the protocol's role constants (keccak256 of the names).

DEFAULT_ADMIN_ROLE: public(constant(bytes32)) = empty(bytes32)
CONTROLLER: public(constant(bytes32)) = keccak256("CONTROLLER")
JUDGE: public(constant(bytes32)) = keccak256("JUDGE")
PROVIDER: public(constant(bytes32)) = keccak256("PROVIDER")

event RoleAdminChanged:
    role: indexed(bytes32)
    previousAdminRole: indexed(bytes32)
    newAdminRole: indexed(bytes32)

event RoleGranted:
    role: indexed(bytes32)
    account: indexed(address)
    sender: indexed(address)

event RoleRevoked:
    role: indexed(bytes32)
    account: indexed(address)
    sender: indexed(address)

members: HashMap[bytes32, HashMap[address, bool]]
admin_of: HashMap[bytes32, bytes32]


@deploy
def __init__():
    self._grant(DEFAULT_ADMIN_ROLE, msg.sender)


@external
@view
def hasRole(role: bytes32, account: address) -> bool:
    return self.members[role][account]


@external
@view
def getRoleAdmin(role: bytes32) -> bytes32:
    return self.admin_of[role]


@external
def grantRole(role: bytes32, account: address):
    self._check_role(self.admin_of[role])
    self._grant(role, account)


@external
def revokeRole(role: bytes32, account: address):
    self._check_role(self.admin_of[role])
    self._revoke(role, account)


@external
def renounceRole(role: bytes32, callerConfirmation: address):
    if callerConfirmation != msg.sender:
        raw_revert(method_id("AccessControlBadConfirmation()"))
    self._revoke(role, callerConfirmation)


@external
@view
def supportsInterface(interfaceId: bytes4) -> bool:
    # ERC-165 itself and IAccessControl.
    return interfaceId == 0x01ffc9a7 or interfaceId == 0x7965db0b


@internal
@view
def _check_role(role: bytes32):
    if not self.members[role][msg.sender]:
        raw_revert(concat(method_id("AccessControlUnauthorizedAccount(address,bytes32)"), abi_encode(msg.sender, role)))


@internal
def _grant(role: bytes32, account: address):
    if not self.members[role][account]:
        self.members[role][account] = True
        log RoleGranted(role=role, account=account, sender=msg.sender)


@internal
def _revoke(role: bytes32, account: address):
    if self.members[role][account]:
        self.members[role][account] = False
        log RoleRevoked(role=role, account=account, sender=msg.sender)
