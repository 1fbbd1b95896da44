"""The one-file executable built by `make binary`: it serves, and its demo shows the French agenda.

Run by `make check-binary`, which sets ATELIER_BINARY to dist/atelier; deselected otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli.test_startup import clean_env, running
from tests.postgres import free_port

pytestmark = pytest.mark.binary

# The executable unpacks itself into a temporary directory before Python starts: allow for it.
BINARY_STARTUP_DEADLINE = 90.0


@pytest.fixture
def binary() -> list[str]:
    value = os.environ.get("ATELIER_BINARY")
    if not value:
        pytest.fail("ATELIER_BINARY is not set: run `make check-binary`, "
                    "or set it to the executable built by `make binary` (dist/atelier)")
    path = Path(value)
    if not path.is_file():
        pytest.fail(f"ATELIER_BINARY={value} is not a file: build it with `make binary`")
    if not os.access(path, os.X_OK):
        pytest.fail(f"ATELIER_BINARY={value} is not executable")
    return [str(path.resolve())]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Unpack under the test's directory rather than /tmp, so that nothing is left behind there."""
    unpack = tmp_path / "unpack"
    unpack.mkdir()
    return clean_env(TMPDIR=str(unpack))


def test_binary_serves(binary: list[str], env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    arguments = ["serve", "--port", str(port), "--data-dir", str(tmp_path / "data")]
    with running(arguments, port=port, output_dir=tmp_path / "server", cwd=tmp_path, env=env,
                 command=binary) as server:
        response = server.wait_until_healthy(BINARY_STARTUP_DEADLINE)
        assert response.json()["status"] == "ok"
        assert response.json()["database"] == "ok"
        server.stop()
    assert (tmp_path / "data" / "atelier.sqlite3").is_file()
    assert not any((tmp_path / "unpack").iterdir()), "stopped by SIGTERM, the executable left its files behind"


def test_binary_demo_shows_the_french_agenda(binary: list[str], env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    arguments = ["demo", "--port", str(port), "--data-dir", str(tmp_path / "data")]
    with running(arguments, port=port, output_dir=tmp_path / "server", cwd=tmp_path, env=env,
                 command=binary) as server:
        server.wait_until_healthy(BINARY_STARTUP_DEADLINE)
        page = server.get("/w/demo")
        assert page.status_code == 200, page.text
        assert "Ordre du jour" in page.text  # the French catalog and the demo workshop made it into the binary
        server.stop()
