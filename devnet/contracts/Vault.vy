# pragma version ~=0.4.3
# Native-OGPU accounting: liquid balances, provider lockups with an unbonding period, and the
# per-task escrow a client's payment sits in between publishTask and payout or refund.
# Not Ownable: admin rights come from the Manager's roles.

interface IManager:
    def hasRole(role: bytes32, account: address) -> bool: view

CONTROLLER_ROLE: constant(bytes32) = keccak256("CONTROLLER")
JUDGE_ROLE: constant(bytes32) = keccak256("JUDGE")
ADMIN_ROLE: constant(bytes32) = empty(bytes32)

event Deposited:
    account: address
    amount: uint256

event Withdrawn:
    account: address
    amount: uint256

event Locked:
    account: address
    amount: uint256

event Unbonded:
    account: address
    amount: uint256

event Claimed:
    account: address
    amount: uint256

event Sanctioned:
    account: address
    amount: uint256

event Waived:
    account: address
    amount: uint256

manager: public(address)
nexus: public(address)
terminal: public(address)
MIN_LOCKUP_PER_SOURCE: public(uint256)
UNBONDING_PERIOD: public(uint256)

balanceOf: public(HashMap[address, uint256])
lockupOf: public(HashMap[address, uint256])
unbondingOf: public(HashMap[address, uint256])
unbondingTimestamp: public(HashMap[address, uint256])
totalEarningsOf: public(HashMap[address, uint256])
frozenPayment: public(HashMap[address, uint256])
sanctionOf: public(HashMap[address, uint256])
sanctionedAmount: public(uint256)
isWhitelisted: public(HashMap[address, bool])

escrow_of: HashMap[address, uint256]


@deploy
def __init__(_manager: address, _nexus: address, _terminal: address):
    self.manager = _manager
    self.nexus = _nexus
    self.terminal = _terminal
    self.MIN_LOCKUP_PER_SOURCE = 10**18
    self.UNBONDING_PERIOD = 86400


@internal
@view
def _check_role(role: bytes32):
    if not staticcall IManager(self.manager).hasRole(role, msg.sender):
        raw_revert(concat(method_id("AccessControlUnauthorizedAccount(address,bytes32)"), abi_encode(msg.sender, role)))


@internal
@view
def _only_protocol():
    # Escrow moves are made by Nexus or by a holder of the CONTROLLER role (the Controller).
    if msg.sender != self.nexus:
        assert staticcall IManager(self.manager).hasRole(CONTROLLER_ROLE, msg.sender), "NotController"


@external
@payable
def deposit(account: address):
    assert msg.value > 0, "ZeroAmount"
    self.balanceOf[account] += msg.value
    log Deposited(account=account, amount=msg.value)
    if msg.sender == self.terminal:
        # Terminal.announceProvider forwards its value as the provider's stake.
        self.balanceOf[account] -= msg.value
        self.lockupOf[account] += msg.value
        log Locked(account=account, amount=msg.value)


@external
def withdraw(amount: uint256):
    assert self.balanceOf[msg.sender] >= amount, "InsufficientBalance"
    self.balanceOf[msg.sender] -= amount
    send(msg.sender, amount)
    log Withdrawn(account=msg.sender, amount=amount)


@external
def lock(amount: uint256):
    assert self.balanceOf[msg.sender] >= amount, "InsufficientBalance"
    self.balanceOf[msg.sender] -= amount
    self.lockupOf[msg.sender] += amount
    log Locked(account=msg.sender, amount=amount)


@external
def unbond(amount: uint256):
    assert self.lockupOf[msg.sender] >= amount, "InsufficientLockup"
    self.lockupOf[msg.sender] -= amount
    self.unbondingOf[msg.sender] += amount
    self.unbondingTimestamp[msg.sender] = block.timestamp + self.UNBONDING_PERIOD
    log Unbonded(account=msg.sender, amount=amount)


@external
def claim():
    amount: uint256 = self.unbondingOf[msg.sender]
    assert amount > 0, "NothingToClaim"
    assert block.timestamp >= self.unbondingTimestamp[msg.sender], "UnbondingNotElapsed"
    self.unbondingOf[msg.sender] = 0
    self.balanceOf[msg.sender] += amount
    log Claimed(account=msg.sender, amount=amount)


@external
@view
def getBalanceOf(account: address) -> uint256:
    return self.balanceOf[account]


@external
@view
def getLockupOf(account: address) -> uint256:
    return self.lockupOf[account]


@external
@view
def isEligible(account: address) -> bool:
    return self.lockupOf[account] >= self.MIN_LOCKUP_PER_SOURCE and self.sanctionOf[account] == 0


@external
def freezePayment(client: address, task: address, amount: uint256):
    self._only_protocol()
    assert self.balanceOf[client] >= amount, "InsufficientBalance"
    assert self.escrow_of[task] == 0, "AlreadyFrozen"
    self.balanceOf[client] -= amount
    self.frozenPayment[client] += amount
    self.escrow_of[task] = amount


@internal
def _release(client: address, task: address):
    amount: uint256 = self.escrow_of[task]
    self.escrow_of[task] = 0
    self.frozenPayment[client] -= amount
    self.balanceOf[client] += amount


@external
def releasePayment(client: address, task: address):
    self._only_protocol()
    self._release(client, task)


@external
def forceReleasePayment(client: address, task: address):
    self._only_protocol()
    self._release(client, task)


@external
def processPayment(client: address, provider: address, task: address, amount: uint256):
    # Pays `amount` of the task's escrow to the provider and returns any rest to the client.
    self._only_protocol()
    held: uint256 = self.escrow_of[task]
    assert amount <= held, "InsufficientBalance"
    self.escrow_of[task] = 0
    self.frozenPayment[client] -= held
    self.balanceOf[client] += held - amount
    self.balanceOf[provider] += amount
    self.totalEarningsOf[provider] += amount


@external
def sanction(account: address, amount: uint256):
    self._check_role(JUDGE_ROLE)
    assert self.lockupOf[account] >= amount, "InsufficientLockup"
    self.lockupOf[account] -= amount
    self.sanctionOf[account] += amount
    self.sanctionedAmount += amount
    log Sanctioned(account=account, amount=amount)


@external
def waive(account: address, amount: uint256):
    self._check_role(JUDGE_ROLE)
    assert self.sanctionOf[account] >= amount, "InsufficientSanction"
    self.sanctionOf[account] -= amount
    self.sanctionedAmount -= amount
    self.lockupOf[account] += amount
    log Waived(account=account, amount=amount)


@external
def setWhitelist(account: address, allowed: bool):
    self._check_role(ADMIN_ROLE)
    self.isWhitelisted[account] = allowed


@external
def setMinLockupPerSource(amount: uint256):
    self._check_role(ADMIN_ROLE)
    self.MIN_LOCKUP_PER_SOURCE = amount


@external
def setMaxUnbondingPeriod(period: uint256):
    self._check_role(ADMIN_ROLE)
    self.UNBONDING_PERIOD = period


@external
def setTerminal(_terminal: address):
    self._check_role(ADMIN_ROLE)
    self.terminal = _terminal
