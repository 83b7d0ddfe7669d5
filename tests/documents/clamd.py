"""A real clamd for the tests, with a signature database of our own.

The tests cannot download ClamAV's signatures (freshclam), so clamd loads a single signature that
matches the EICAR test string anywhere in a file. ``clamd`` starts one clamd for the session on a
free port of 127.0.0.1 and answers its address for CLAMD_URL; ``scanning`` sets CLAMD_URL to it for
one test. Without clamd installed the tests that use it are skipped on a laptop, and fail in CI.
"""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from clamav_client.clamd import ClamdError, ClamdNetworkSocket

from tests.deploy.servers import die_with_the_tests

# The industry's harmless test string, which every scanner detects; built in two halves so that
# this source file is not itself taken for the test file by a scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD" + b"-ANTIVIRUS-TEST-FILE!$H+H*"

# clamd names a detection by a signature outside its official databases "<name>.UNOFFICIAL".
SIGNATURE = "Eicar-Test-Signature"

# The largest stream this clamd accepts (StreamMaxLength), small so that a test can exceed it.
STREAM_MAX_BYTES = 4 * 1024 * 1024


def clamd_program():
    return shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin:/usr/local/sbin")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    program = clamd_program()
    if not program:
        message = "clamd is not installed: apt-get install clamav-daemon"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    folder = tmp_path_factory.mktemp("clamd")
    database = folder / "database"
    database.mkdir()
    # An extended (.ndb) signature: target type 0 (any file), offset * (anywhere), hex body.
    (database / "eicar.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    port = free_port()
    config = folder / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"TCPSocket {port}",
                "TCPAddr 127.0.0.1",
                f"DatabaseDirectory {database}",
                f"StreamMaxLength {STREAM_MAX_BYTES // 1024}K",
                # Not loading the bytecode engine's signatures keeps the start under a second.
                "Bytecode no",
                "",
            ]
        )
    )
    log_path = folder / "clamd.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [program, "--config-file", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_the_tests,
        )
    try:
        client = ClamdNetworkSocket("127.0.0.1", port, timeout=5)
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"clamd exited with {process.returncode}:\n{log_path.read_text()}")
            try:
                if client.ping() == "PONG":
                    break
            except ClamdError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"clamd did not answer PING within 60 s:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield f"tcp://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def scanning(clamd, settings):
    """Uploads are scanned by the test clamd."""
    settings.CLAMD_URL = clamd
    settings.CLAMD_TIMEOUT_SECONDS = 30
    return clamd
