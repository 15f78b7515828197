"""Bootstraps a fresh chain: deploys the contracts, wires their roles, publishes the demo
sources, funds the client's vault and stakes and registers the providers. Every step is a
signed raw transaction through the same path a wallet uses."""
import time

import rlp
from eth_abi import encode as abi_encode
from eth_account import Account
from eth_utils import function_signature_to_4byte_selector, keccak, to_checksum_address

from .accounts import by_label, dev_accounts
from .chain import CHAIN_ID

CLIENT_VAULT_DEPOSIT = 1_000 * 10**18
PROVIDER_STAKE = 10 * 10**18
SOURCE_TUPLE = "(address,string,uint8,uint256,uint256,uint256,bool,string,uint8,uint256)"


def contract_address(sender: str, nonce: int) -> str:
    return to_checksum_address(keccak(rlp.encode([bytes.fromhex(sender[2:]), nonce]))[12:])


def blueprint_addresses() -> dict:
    deployer = by_label("deployer")["address"]
    return {"Task": contract_address(deployer, 0), "Source": contract_address(deployer, 1),
            "Response": contract_address(deployer, 2)}


def calldata(signature: str, types: list, args: list) -> bytes:
    return function_signature_to_4byte_selector(signature) + abi_encode(types, args)


class Sender:
    def __init__(self, chain, key: str):
        self.chain = chain
        self.account = Account.from_key(key)
        self.nonce = chain.tester.get_nonce(self.account.address)

    def send(self, to, data: bytes, value: int = 0, gas: int = 8_000_000) -> dict:
        tx = {"chainId": CHAIN_ID, "nonce": self.nonce, "gas": gas, "maxFeePerGas": 10**10,
              "maxPriorityFeePerGas": 10**9, "value": value, "data": data, "type": 2}
        if to is not None:
            tx["to"] = to
        signed = self.account.sign_transaction(tx)
        tx_hash = self.chain.send_raw("0x" + signed.raw_transaction.hex())
        self.nonce += 1
        receipt = self.chain.tester.get_transaction_receipt(tx_hash)
        if receipt["status"] != 1:
            raise RuntimeError(f"bootstrap transaction reverted: {self.chain.revert_data_of(tx_hash)!r}")
        return receipt


def deploy(chain, compiled: dict, ipfs_gateway: str, metadata_url=None) -> dict:
    """Returns the `contracts` and `sources` sections of the manifest."""
    deployer = Sender(chain, by_label("deployer")["privateKey"])
    assert deployer.nonce == 0, "bootstrap needs a fresh chain"

    def create(name, types=(), args=()):
        code = bytes.fromhex(compiled[name]["bytecode"][2:]) + abi_encode(list(types), list(args))
        return to_checksum_address(deployer.send(None, code)["contract_address"])

    bps = {name: to_checksum_address(deployer.send(None, bytes.fromhex(compiled[name]["blueprint"][2:]))["contract_address"])
           for name in ("Task", "Source", "Response")}
    assert bps == blueprint_addresses(), "blueprints landed off their precomputed addresses"

    manager = create("Manager")
    zero = "0x" + "00" * 20
    terminal = create("Terminal", ["address", "address"], [manager, zero])
    nexus = create("Nexus", ["address", "address", "address"], [manager, terminal, zero])
    vault = create("Vault", ["address", "address", "address"], [manager, nexus, terminal])
    controller = create("Controller", ["address", "address", "address"], [nexus, terminal, vault])
    deployer.send(nexus, calldata("setVault(address)", ["address"], [vault]))
    deployer.send(terminal, calldata("setVault(address)", ["address"], [vault]))
    role = lambda name: keccak(text=name)  # noqa: E731
    deployer.send(manager, calldata("grantRole(bytes32,address)", ["bytes32", "address"], [role("CONTROLLER"), controller]))
    deployer.send(manager, calldata("grantRole(bytes32,address)", ["bytes32", "address"], [role("JUDGE"), deployer.account.address]))

    client = Sender(chain, by_label("client")["privateKey"])
    sources = {}
    for key, method in (("first_response", 1), ("manual_confirmation", 0)):
        url = metadata_url(key) if metadata_url else f"{ipfs_gateway}devnet-{key}"
        params = (client.account.address, url, 1, 10**15, 0, 7 * 86400, False, "",
                  method, int(time.time()))
        receipt = client.send(nexus, calldata(f"publishSource({SOURCE_TUPLE})", [SOURCE_TUPLE], [params]))
        topic = "0x" + keccak(text="SourcePublished(address)").hex()
        log = next(lg for lg in receipt["logs"] if lg["topics"] and lg["topics"][0] == topic)
        sources[key] = to_checksum_address("0x" + log["data"][-40:])
    client.send(vault, calldata("deposit(address)", ["address"], [client.account.address]), value=CLIENT_VAULT_DEPOSIT)

    for acct in dev_accounts():
        if acct["role"] != "provider":
            continue
        p = Sender(chain, acct["privateKey"])
        p.send(vault, calldata("deposit(address)", ["address"], [p.account.address]), value=PROVIDER_STAKE)
        p.send(vault, calldata("lock(uint256)", ["uint256"], [PROVIDER_STAKE]))
        for source in sources.values():
            p.send(nexus, calldata("register(address,address,uint8)", ["address", "address", "uint8"],
                                   [source, p.account.address, 1]))

    contracts = {"NEXUS": nexus, "CONTROLLER": controller, "TERMINAL": terminal, "VAULT": vault, "MANAGER": manager}
    return {"contracts": contracts, "sources": sources, "blueprints": bps}
