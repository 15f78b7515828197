"""scripts/devnet: idempotent start, status, and a stop that ends exactly what start began."""
import json
import os
import urllib.request


def pids(devnet):
    d = devnet.state / "pids"
    return {p.stem: int(p.read_text()) for p in d.glob("*.pid")}


def test_start_again_is_a_no_op(devnet):
    before = pids(devnet)
    assert set(before) == {"chain", "ipfs", "provider"}
    out = devnet.script("start")
    assert "devnet running: chainId" in out.stdout
    assert pids(devnet) == before
    assert json.loads((devnet.state / "manifest.json").read_text()) == devnet.m


def test_status_reports_every_service(devnet):
    out = devnet.script("status")
    for name in ("chain", "ipfs", "provider"):
        assert f"{name}: running" in out.stdout


def test_second_devnet_on_other_ports_and_stop_ends_only_its_processes(devnet, tmp_path):
    from conftest import REPO, free_port_pair
    import subprocess
    port = free_port_pair()
    env = dict(os.environ, OGPU_DEVNET_PORT=str(port), OGPU_DEVNET_IPFS_PORT=str(port + 1),
               OGPU_DEVNET_STATE=str(tmp_path))
    script = str(REPO / "scripts" / "devnet")
    subprocess.run([script, "start"], env=env, check=True, timeout=120, capture_output=True)
    try:
        m = json.loads((tmp_path / "manifest.json").read_text())
        assert m["rpc"] == f"http://127.0.0.1:{port}" and m["ipfs"]["pin"].startswith(f"http://127.0.0.1:{port + 1}/")
        assert m["contracts"] == devnet.m["contracts"]  # deterministic deployment
        theirs = {p.stem: int(p.read_text()) for p in (tmp_path / "pids").glob("*.pid")}
    finally:
        subprocess.run([script, "stop"], env=env, check=True, timeout=60, capture_output=True)
    for pid in theirs.values():
        assert not os.path.exists(f"/proc/{pid}") or "ogpu_devnet" not in open(f"/proc/{pid}/cmdline").read()
    for pid in pids(devnet).values():  # ours still run
        assert os.path.exists(f"/proc/{pid}")
    with urllib.request.urlopen(devnet.m["rpc"] + "/health", timeout=5) as r:
        assert r.status == 200
    st = subprocess.run([script, "status"], env=env, capture_output=True, text=True)
    assert st.returncode != 0 and "chain: stopped" in st.stdout


def test_services_stop_themselves_when_their_starter_dies(tmp_path):
    import subprocess
    import time
    from conftest import REPO, free_port_pair
    port = free_port_pair()
    starter = subprocess.Popen(["sleep", "300"])
    env = dict(os.environ, OGPU_DEVNET_PORT=str(port), OGPU_DEVNET_IPFS_PORT=str(port + 1),
               OGPU_DEVNET_STATE=str(tmp_path), OGPU_DEVNET_PARENT_PID=str(starter.pid))
    try:
        subprocess.run([str(REPO / "scripts" / "devnet"), "start"], env=env, check=True, timeout=120, capture_output=True)
        theirs = [int(p.read_text()) for p in (tmp_path / "pids").glob("*.pid")]
        assert len(theirs) == 3
    finally:
        starter.kill()
        starter.wait()
    deadline = time.time() + 15
    while time.time() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in theirs):
        time.sleep(0.2)
    assert not any(os.path.exists(f"/proc/{pid}") and b"ogpu_devnet" in open(f"/proc/{pid}/cmdline", "rb").read()
                   for pid in theirs)
    subprocess.run([str(REPO / "scripts" / "devnet"), "stop"], env=env, timeout=60, capture_output=True)


def test_provider_agent_switched_off_and_stop_ends_an_agent_whatever_the_switch_says(tmp_path):
    """OGPU_DEVNET_PROVIDER=0 starts chain and ipfs only (a provider written in ogpu answers
    instead); a devnet started with its agent is fully stopped even when stop runs with the switch off."""
    import subprocess
    from conftest import REPO, free_port_pair
    port = free_port_pair()
    script = str(REPO / "scripts" / "devnet")
    env = dict(os.environ, OGPU_DEVNET_PORT=str(port), OGPU_DEVNET_IPFS_PORT=str(port + 1),
               OGPU_DEVNET_STATE=str(tmp_path), OGPU_DEVNET_PARENT_PID=str(os.getpid()))
    off = dict(env, OGPU_DEVNET_PROVIDER="0")
    try:
        subprocess.run([script, "start"], env=off, check=True, timeout=120, capture_output=True)
        assert {p.stem for p in (tmp_path / "pids").glob("*.pid")} == {"chain", "ipfs"}
        st = subprocess.run([script, "status"], env=off, capture_output=True, text=True)
        assert st.returncode == 0 and "provider" not in st.stdout
        subprocess.run([script, "stop"], env=off, check=True, timeout=60, capture_output=True)
        subprocess.run([script, "start"], env=env, check=True, timeout=120, capture_output=True)
        agent = int((tmp_path / "pids" / "provider.pid").read_text())
        subprocess.run([script, "stop"], env=off, check=True, timeout=60, capture_output=True)
        assert not os.path.exists(f"/proc/{agent}") or "ogpu_devnet" not in open(f"/proc/{agent}/cmdline").read()
    finally:
        subprocess.run([script, "stop"], env=env, timeout=60, capture_output=True)
