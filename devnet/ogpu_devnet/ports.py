"""Free loopback ports for a private devnet (the chain on a port, IPFS on the next one)."""
import socket


def free_port_pair() -> int:
    """A port p such that p and p + 1 were both free on 127.0.0.1 a moment ago."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 65000:
            with socket.socket() as s2:
                try:
                    s2.bind(("127.0.0.1", port + 1))
                    return port
                except OSError:
                    continue
    raise RuntimeError("no free port pair")
