"""The real `atelier` command, run as a subprocess: wrong input, start-up failures, and servers that start and stop.

Every run has its own temporary data directory, a free port and an environment without the
caller's ATELIER_* variables. No mocks: what these tests see is what an administrator sees.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from atelier import __version__, load_secrets
from domain import demo
from tests.postgres import PostgresServer, free_port

# Guards against hanging, not speed checks (benchmarks/restart.py measures start-up): a server is usually
# up in 2-3 s and gone at once, but a machine busy with other work may take many times that.
STARTUP_DEADLINE = 60.0
STOP_DEADLINE = 60.0
PASSWORD = "correct horse battery"


def atelier_command() -> list[str]:
    """The installed console script next to this interpreter, else the module."""
    script = Path(sys.executable).parent / "atelier"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "atelier"]


def clean_env(**variables: str) -> dict[str, str]:
    """This process's environment, plus `variables`, without what would change how Atelier runs.

    That is the caller's ATELIER_* variables, and pytest's and NiceGUI's: NiceGUI takes
    PYTEST_CURRENT_TEST to mean that it runs under its own test plugin and ignores the port.
    """
    ignored = ("ATELIER_", "PYTEST_", "NICEGUI_")
    env = {name: value for name, value in os.environ.items() if not name.startswith(ignored)}
    env.update(variables)
    return env


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str

    @property
    def error_line(self) -> str:
        """stderr, which must be exactly one line and no traceback."""
        lines = self.stderr.strip().splitlines()
        assert "Traceback" not in self.stderr, self.stderr
        assert len(lines) == 1, f"expected one line on stderr, got:\n{self.stderr}"
        return lines[0]


def run(arguments: Sequence[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 60,
        command: Sequence[str] | None = None) -> Finished:
    done = subprocess.run([*(command or atelier_command()), *arguments], cwd=cwd, env=env or clean_env(),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
                          start_new_session=True)  # no controlling terminal: getpass reads stdin
    return Finished(done.returncode, done.stdout, done.stderr)


@dataclass
class Server:
    """A running `atelier serve|demo`, its output going to files so that it can never block on a full pipe."""

    process: subprocess.Popen[bytes]
    port: int
    output_dir: Path

    @property
    def stdout(self) -> str:
        return (self.output_dir / "stdout").read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return (self.output_dir / "stderr").read_text(errors="replace")

    def get(self, path: str, timeout: float = STARTUP_DEADLINE) -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{self.port}{path}", timeout=timeout)

    def wait_until_healthy(self, deadline: float = STARTUP_DEADLINE) -> httpx.Response:
        """The first 200 from /healthz; fails with the server's output if it exits or the deadline passes."""
        give_up = time.monotonic() + deadline
        last = "no answer"
        while time.monotonic() < give_up:
            if self.process.poll() is not None:
                pytest.fail(f"the server exited with status {self.process.returncode} before answering:\n"
                            f"stdout:\n{self.stdout}\nstderr:\n{self.stderr}")
            try:
                response = self.get("/healthz", timeout=2)
            except httpx.TransportError as problem:
                last = repr(problem)
            else:
                if response.status_code == 200:
                    return response
                last = f"{response.status_code} {response.text}"
            time.sleep(0.1)
        pytest.fail(f"/healthz did not answer 200 within {deadline} s (last: {last}):\n"
                    f"stdout:\n{self.stdout}\nstderr:\n{self.stderr}")

    def stop(self, how: signal.Signals = signal.SIGTERM, deadline: float = STOP_DEADLINE) -> int:
        """Send `how` and wait for the process to exit; fails if it does not in time."""
        if self.process.poll() is None:
            self.process.send_signal(how)
            try:
                self.process.wait(timeout=deadline)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                pytest.fail(f"the server did not exit within {deadline} s of {how.name}:\n{self.stderr}")
        return self.process.returncode


@contextmanager
def running(arguments: Sequence[str], *, port: int, output_dir: Path, cwd: Path, env: dict[str, str] | None = None,
            command: Sequence[str] | None = None) -> Iterator[Server]:
    """Start a server; whatever happens, it is not running any more after the block."""
    output_dir.mkdir(parents=True, exist_ok=True)
    with open(output_dir / "stdout", "wb") as stdout, open(output_dir / "stderr", "wb") as stderr:
        process = subprocess.Popen([*(command or atelier_command()), *arguments], cwd=cwd, env=env or clean_env(),
                                   stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)
    server = Server(process, port, output_dir)
    try:
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=STOP_DEADLINE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# ---------------------------------------------------------------- wrong input: one line, status 2


@pytest.mark.parametrize(("arguments", "env", "expected"), [
    (["serve", "--bogus"], {}, "--bogus"),
    (["serve", "--port", "99999"], {}, "--port"),
    (["serve", "--port", "abc"], {}, "--port"),
    (["serve"], {"ATELIER_PORT": "abc"}, "ATELIER_PORT"),
    (["serve", "--database-url", "mysql://atelier:s3cret@127.0.0.1/atelier"], {}, "mysql"),
    (["create-staff", "--email", "x@ville.example", "--role", "mayor"], {"ATELIER_STAFF_PASSWORD": PASSWORD},
     "mayor"),
    (["serve", "--media-address", "atelier.example.org"], {}, "--media-address"),
    (["serve"], {"ATELIER_ICE_SERVERS": "https://turn.example.org"}, "ATELIER_ICE_SERVERS"),
    (["serve", "--ice-servers", "turn:turn.example.org:3478"], {}, "--turn-secret"),
    (["serve", "--smtp-url", "smtp://atelier:s3cret@mail.ville.example:587/inbox"], {}, "--smtp-url"),
    (["serve"], {"ATELIER_SMTP_URL": "https://atelier:s3cret@mail.ville.example"}, "ATELIER_SMTP_URL"),
    (["serve", "--mail-from", "Mairie, Villeneuve <atelier@ville.example>"], {}, "--mail-from"),
    (["serve", "--media-backend", "janus"], {}, "--janus-url"),
    (["serve"], {"ATELIER_MEDIA_BACKEND": "jitsi"}, "ATELIER_MEDIA_BACKEND"),
    (["serve", "--media-backend", "janus", "--janus-url", "http://janus1.ville.example:8088"], {}, "--janus-url"),
    (["serve", "--media-backend", "janus", "--janus-url", "ws://127.0.0.1:8188,ws://janus2.ville.example:8188"], {},
     "--janus-secret"),
], ids=["unknown-option", "port-out-of-range", "port-not-a-number", "port-from-environment", "mysql-url",
        "unknown-role", "media-address-not-an-ip", "ice-servers-from-environment", "turn-without-secret",
        "smtp-url-with-a-path", "smtp-url-from-environment", "mail-from-two-addresses", "janus-without-url",
        "unknown-media-backend", "janus-url-not-a-websocket", "remote-janus-without-secret"])
def test_wrong_input_exits_2_with_one_line(tmp_path: Path, arguments: list[str], env: dict[str, str],
                                           expected: str) -> None:
    finished = run([*arguments, "--data-dir", str(tmp_path / "data")], cwd=tmp_path, env=clean_env(**env))

    assert finished.returncode == 2, finished
    assert expected in finished.error_line
    assert "s3cret" not in finished.stderr
    assert not (tmp_path / "data").exists()  # refused before touching anything


def test_tls_certificate_without_key_exits_2(tmp_path: Path) -> None:
    certificate = tmp_path / "certificate.pem"
    certificate.write_text("not checked before the key is\n")

    finished = run(["serve", "--tls-certificate", str(certificate), "--data-dir", str(tmp_path / "data")],
                   cwd=tmp_path)

    assert finished.returncode == 2, finished
    assert "--tls-key" in finished.error_line


# ---------------------------------------------------------------- start-up failures: one line, status 1


@pytest.mark.parametrize("data_dir", ["below-a-file", "/proc/atelier-data"])
def test_unwritable_data_dir_exits_1(tmp_path: Path, data_dir: str) -> None:
    # Tests run as root, for whom chmod does not stop writing: a path below a regular file, or in /proc, does.
    if data_dir == "below-a-file":
        (tmp_path / "a-file").write_text("")
        path = tmp_path / "a-file" / "data"
    else:
        path = Path(data_dir)

    finished = run(["serve", "--port", str(free_port()), "--data-dir", str(path)], cwd=tmp_path)

    assert finished.returncode == 1, finished
    line = finished.error_line
    assert "not writable" in line
    assert str(path) in line


def test_unreachable_database_exits_1_without_its_password(tmp_path: Path) -> None:
    url = f"postgres://atelier:s3cret@127.0.0.1:{free_port()}/atelier"  # nothing listens there

    finished = run(["serve", "--port", str(free_port()), "--data-dir", str(tmp_path / "data"),
                    "--database-url", url], cwd=tmp_path)

    assert finished.returncode == 1, finished
    assert "cannot open the database" in finished.error_line
    assert "s3cret" not in finished.stderr + finished.stdout


def test_port_in_use_exits_1(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        finished = run(["serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(tmp_path / "data")],
                       cwd=tmp_path)

    assert finished.returncode == 1, finished
    line = finished.error_line
    assert "already in use" in line
    assert str(port) in line


# ---------------------------------------------------------------- servers that start and stop


def test_serve_configured_by_environment_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data-from-env"
    port = free_port()
    env = clean_env(ATELIER_PORT=str(port), ATELIER_DATA_DIR=str(data_dir), ATELIER_HOST="127.0.0.1")

    with running(["serve"], port=port, output_dir=tmp_path / "first", cwd=tmp_path, env=env) as server:
        response = server.wait_until_healthy()
        assert response.json() == {"status": "ok", "database": "ok", "version": __version__}
        assert (data_dir / "atelier.sqlite3").is_file()
        secrets_file = data_dir / "secrets.json"
        assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
        secret = json.loads(secrets_file.read_text())["storage_secret"]
        link_secret = json.loads(secrets_file.read_text())["personal_links_secret"]
        assert len(secret) >= 32 and len(link_secret) >= 32 and link_secret != secret
        assert f"localhost:{port}" in server.stdout
        assert server.stop(signal.SIGTERM) in {0, -signal.SIGTERM, 128 + signal.SIGTERM}
        assert "Traceback" not in server.stderr, server.stderr
    assert not (tmp_path / "data").exists()  # the default ./data was not used

    with running(["serve"], port=port, output_dir=tmp_path / "second", cwd=tmp_path, env=env) as server:
        server.wait_until_healthy()
        assert json.loads(secrets_file.read_text())["storage_secret"] == secret
        assert json.loads(secrets_file.read_text())["personal_links_secret"] == link_secret  # sent links work
        assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
        assert server.stop(signal.SIGINT) in {0, 130, -signal.SIGINT}
        assert "Traceback" not in server.stderr, server.stderr


def test_serve_on_postgres_reports_when_the_database_goes_away(tmp_path: Path) -> None:
    postgres = PostgresServer.start()  # its own cluster, since this test stops it
    try:
        url = postgres.new_database()
        port = free_port()
        arguments = ["serve", "--port", str(port), "--data-dir", str(tmp_path / "data"), "--database-url", url]
        with running(arguments, port=port, output_dir=tmp_path / "server", cwd=tmp_path) as server:
            assert server.wait_until_healthy().json() == {"status": "ok", "database": "ok", "version": __version__}
            assert not (tmp_path / "data" / "atelier.sqlite3").exists()

            postgres.stop()
            response = server.get("/healthz")

            assert response.status_code == 503, response.text
            body = response.json()
            assert body["status"] == "unavailable"
            assert body["version"] == __version__
            assert isinstance(body["database"], str) and body["database"] and body["database"] != "ok"
            assert "unused-secret" not in response.text
            server.stop()
    finally:
        postgres.stop()


def test_demo_prints_sign_in_details_and_serves_the_demo_workshop(tmp_path: Path) -> None:
    port = free_port()
    arguments = ["demo", "--port", str(port), "--data-dir", str(tmp_path / "data")]
    with running(arguments, port=port, output_dir=tmp_path / "server", cwd=tmp_path) as server:
        server.wait_until_healthy()
        page = server.get(f"/w/{demo.DEMO_SLUG}")
        assert page.status_code == 200, page.text
        stdout = server.stdout
        server.stop()

    assert f"http://localhost:{port}/w/{demo.DEMO_SLUG}" in stdout
    assert f"http://localhost:{port}/signin" in stdout
    assert demo.DEMO_PASSWORD in stdout
    assert demo.ORGANISER.email in stdout
    assert demo.MODERATOR.email in stdout


# ---------------------------------------------------------------- one-shot commands


def test_create_staff(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    with_password = clean_env(ATELIER_STAFF_PASSWORD=PASSWORD)
    create = ["create-staff", "--email", "x@ville.example", "--role", "moderator", "--data-dir", data_dir]

    first = run(create, cwd=tmp_path, env=with_password)
    assert first.returncode == 0, first
    assert "x@ville.example" in first.stdout

    again = run(create, cwd=tmp_path, env=with_password)
    assert again.returncode == 2, again
    assert "already exists" in again.error_line

    too_short = run(["create-staff", "--email", "y@ville.example", "--role", "moderator", "--data-dir", data_dir],
                    cwd=tmp_path, env=clean_env(ATELIER_STAFF_PASSWORD="short"))
    assert too_short.returncode == 2, too_short
    assert too_short.error_line

    own_name = run(["create-staff", "--email", "claire.martin@ville.example", "--role", "moderator",
                    "--data-dir", data_dir], cwd=tmp_path, env=clean_env(ATELIER_STAFF_PASSWORD="claire.martin2026"))
    assert own_name.returncode == 2, own_name
    assert "made from the account's name" in own_name.error_line


def test_create_staff_without_a_password_to_read(tmp_path: Path) -> None:
    # No ATELIER_STAFF_PASSWORD, no terminal and an empty standard input: say so, no traceback.
    finished = run(["create-staff", "--email", "x@ville.example", "--role", "organiser",
                    "--data-dir", str(tmp_path / "data")], cwd=tmp_path)

    assert finished.returncode == 2, finished
    assert "Traceback" not in finished.stderr, finished.stderr
    assert "ATELIER_STAFF_PASSWORD" in finished.stderr.strip().splitlines()[-1]


def test_migrate_creates_the_database_and_can_run_twice(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    for _ in range(2):
        finished = run(["migrate", "--data-dir", str(data_dir)], cwd=tmp_path)
        assert finished.returncode == 0, finished
        assert "up to date" in finished.stdout
        assert "Traceback" not in finished.stderr, finished.stderr
    assert (data_dir / "atelier.sqlite3").is_file()


def test_create_staff_from_environment_variables_only_concerns_that_command(tmp_path: Path) -> None:
    env = clean_env(ATELIER_EMAIL="ana@ville.example", ATELIER_ROLE="moderator", ATELIER_STAFF_PASSWORD=PASSWORD,
                    ATELIER_DATA_DIR=str(tmp_path / "data"))
    created = run(["create-staff"], cwd=tmp_path, env=env)
    assert created.returncode == 0, created
    assert "ana@ville.example" in created.stdout

    wrong_role = {**env, "ATELIER_ROLE": "mayor"}
    refused = run(["create-staff"], cwd=tmp_path, env=wrong_role)
    assert refused.returncode == 2 and "ATELIER_ROLE" in refused.error_line
    migrated = run(["migrate"], cwd=tmp_path, env=wrong_role)  # other commands ignore create-staff's variables
    assert migrated.returncode == 0, migrated

    missing = run(["create-staff", "--data-dir", str(tmp_path / "data")], cwd=tmp_path)
    assert missing.returncode == 2 and "--email is required (or set ATELIER_EMAIL)" in missing.error_line


def test_every_server_option_has_its_row_in_the_readme() -> None:
    import atelier

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for option in atelier.SERVER_OPTIONS + atelier.STORAGE_OPTIONS:
        assert f"| `{option.flag}` | `{option.variable}` |" in readme, option.flag


def test_serve_says_where_mail_goes_without_its_password(tmp_path: Path) -> None:
    port, smtp_port = free_port(), free_port()
    arguments = ["serve", "--port", str(port), "--data-dir", str(tmp_path / "data"),
                 "--smtp-url", f"smtp://atelier%40ville.example:s3cret@127.0.0.1:{smtp_port}",
                 "--mail-from", "Mairie de Villeneuve <atelier@ville.example>"]

    with running(arguments, port=port, output_dir=tmp_path / "out", cwd=tmp_path) as server:
        server.wait_until_healthy()
        assert (f"E-mail is sent through smtp://127.0.0.1:{smtp_port} as Mairie de Villeneuve "
                "<atelier@ville.example>") in server.stdout
        server.stop()
    assert "s3cret" not in server.stdout + server.stderr
    assert "Traceback" not in server.stderr, server.stderr
def test_an_installation_from_before_personal_links_gets_their_secret_and_keeps_its_own(tmp_path: Path) -> None:
    secrets_file = tmp_path / "secrets.json"
    secrets_file.write_text(json.dumps({"storage_secret": "kept as it was"}))
    secrets_file.chmod(0o600)
    values = load_secrets(tmp_path)
    assert values["storage_secret"] == "kept as it was"
    assert len(values["personal_links_secret"]) >= 32
    assert json.loads(secrets_file.read_text()) == values
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert load_secrets(tmp_path) == values  # read again, never remade
    assert [path.name for path in tmp_path.iterdir()] == ["secrets.json"]
