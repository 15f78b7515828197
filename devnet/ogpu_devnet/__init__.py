"""The ogpu devnet: a local OpenGPU network (chain, contracts, IPFS, provider) on 127.0.0.1."""
