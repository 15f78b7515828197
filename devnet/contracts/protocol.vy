# pragma version ~=0.4.3
# Shared structs, enum values and helpers of the OpenGPU reference contracts. Stateless, so every
# contract may import it without `initializes`. Field order is the ABI order of the testnet ABIs.

# TaskStatus
NEW: constant(uint8) = 0
ATTEMPTED: constant(uint8) = 1
RESPONDED: constant(uint8) = 2
CANCELED: constant(uint8) = 3
EXPIRED: constant(uint8) = 4
FINALIZED: constant(uint8) = 5

# ResponseStatus
SUBMITTED: constant(uint8) = 0
CONFIRMED: constant(uint8) = 1

# SourceStatus
ACTIVE: constant(uint8) = 0
INACTIVE: constant(uint8) = 1

# DeliveryMethod
MANUAL_CONFIRMATION: constant(uint8) = 0
FIRST_RESPONSE: constant(uint8) = 1

# Size bounds of the stand-in contracts (Vyper needs them; the deployed Solidity has none).
MAX_URL: constant(uint256) = 2048
MAX_DATA: constant(uint256) = 8192
MAX_LIST: constant(uint256) = 1000

struct TaskParams:
    source: address
    config: String[MAX_URL]
    expiryTime: uint256
    payment: uint256

struct SourceParams:
    client: address
    imageMetadataUrl: String[MAX_URL]
    imageEnvironments: uint8
    minPayment: uint256
    minAvailableLockup: uint256
    maxExpiryDuration: uint256
    privacyEnabled: bool
    optionalParamsUrl: String[MAX_URL]
    deliveryMethod: uint8
    lastUpdateTime: uint256

struct ResponseParams:
    task: address
    provider: address
    data: String[MAX_DATA]
    payment: uint256


@internal
@pure
def panic(code: uint256):
    # Solidity's Panic(uint256): 0x11 arithmetic under/overflow, 0x32 array index out of bounds.
    raw_revert(concat(method_id("Panic(uint256)"), convert(code, bytes32)))


@internal
@pure
def check_inclusive_range(lower: uint256, upper: uint256, count: uint256) -> uint256:
    # The deployed list getters take BOTH bounds inclusive and panic when `upper` is past the end
    # (PROTOCOL.md §9.1). Returns the number of items in [lower, upper].
    if lower > upper:
        self.panic(17)
    if upper >= count:
        self.panic(50)
    n: uint256 = upper - lower + 1
    assert n <= MAX_LIST, "RangeTooLarge"
    return n
