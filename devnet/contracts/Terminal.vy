# pragma version ~=0.4.3
# Identity: master <-> provider pairing, agents acting for a master or client, provider metadata.
import ownable

initializes: ownable
exports: (ownable.owner, ownable.transferOwnership, ownable.renounceOwnership)

interface IVault:
    def deposit(account: address): payable

PROVIDER: public(constant(bytes32)) = keccak256("PROVIDER")

event AgentSet:
    account: address
    agent: address
    value: bool

event BaseDataUpdated:
    provider: address

event DefaultAgentDisabled:
    master: address
    value: bool

event LiveDataUpdated:
    provider: address

event MasterAnnounced:
    provider: address
    master: address

event ProviderAnnounced:
    provider: address
    master: address

event ProviderRemoved:
    provider: address

event RemoveContainer:
    provider: address
    source: address

manager: public(address)
vault: public(address)
masterOf: public(HashMap[address, address])
providerOf: public(HashMap[address, address])
isMaster: public(HashMap[address, bool])
isProvider: public(HashMap[address, bool])
isAgentOf: public(HashMap[address, HashMap[address, bool]])
defaultAgentDisabled: public(HashMap[address, bool])
baseDataOf: public(HashMap[address, String[2048]])
liveDataOf: public(HashMap[address, String[2048]])


@deploy
def __init__(_manager: address, _vault: address):
    ownable.__init__()
    self.manager = _manager
    self.vault = _vault


@external
@payable
def announceProvider(provider: address, amount: uint256):
    # Step 1 of pairing, by the master. The value becomes the provider's vault lockup.
    assert msg.value == amount, "ValueMismatch"
    assert provider != empty(address) and provider != msg.sender, "InvalidProvider"
    self.providerOf[msg.sender] = provider
    self.isMaster[msg.sender] = True
    if amount > 0:
        extcall IVault(self.vault).deposit(provider, value=amount)
    log ProviderAnnounced(provider=provider, master=msg.sender)


@external
def announceMaster(master: address):
    # Step 2, by the provider: completes the pairing the master started.
    assert self.providerOf[master] == msg.sender, "NotMaster"
    self.masterOf[msg.sender] = master
    self.isProvider[msg.sender] = True
    log MasterAnnounced(provider=msg.sender, master=master)


@external
def removeProvider(provider: address):
    assert self.masterOf[provider] == msg.sender or self.providerOf[msg.sender] == provider, "NotMaster"
    self.masterOf[provider] = empty(address)
    self.providerOf[msg.sender] = empty(address)
    self.isProvider[provider] = False
    log ProviderRemoved(provider=provider)


@external
def removeContainer(provider: address, source: address):
    assert self.masterOf[provider] == msg.sender, "NotMaster"
    log RemoveContainer(provider=provider, source=source)


@external
def setAgent(agent: address, enabled: bool):
    self.isAgentOf[msg.sender][agent] = enabled
    log AgentSet(account=msg.sender, agent=agent, value=enabled)


@external
def setDefaultAgentDisabled(disabled: bool):
    self.defaultAgentDisabled[msg.sender] = disabled
    log DefaultAgentDisabled(master=msg.sender, value=disabled)


@external
def setBaseData(_baseData: String[2048]):
    self.baseDataOf[msg.sender] = _baseData
    log BaseDataUpdated(provider=msg.sender)


@external
def setLiveData(_liveData: String[2048]):
    self.liveDataOf[msg.sender] = _liveData
    log LiveDataUpdated(provider=msg.sender)


@external
@view
def getMasterOf(provider: address) -> address:
    return self.masterOf[provider]


@external
@view
def getIsMaster(master: address) -> bool:
    return self.isMaster[master]


@external
@view
def getIsAgentOf(master: address, agent: address) -> bool:
    return self.isAgentOf[master][agent]


@external
def setManager(_manager: address):
    ownable._check_owner()
    self.manager = _manager


@external
def setVault(_vault: address):
    ownable._check_owner()
    self.vault = _vault
