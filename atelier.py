"""Atelier's composition root: settings, the command line, and the wiring of domain and ui.

This is the only module that knows every layer. `atelier serve|demo|create-staff|migrate`.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import getpass
import ipaddress
import json
import os
import secrets
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from email.headerregistry import Address

    from domain.clock import Clock
    from domain.live.registry import LiveRegistry
    from domain.timekeeper import TimeKeeper
    from mail.sender import MailSender
    from mail.settings import SmtpServer
    from media.backend import MediaBackend
    from ui.web_security import WebSecurity

__version__ = "0.1.0"

T = TypeVar("T")
ENV_PREFIX = "ATELIER_"
STAFF_PASSWORD_VARIABLE = "ATELIER_STAFF_PASSWORD"
SECRETS_FILE_NAME = "secrets.json"
BROWSER_STORAGE_DIR_NAME = "browser-storage"
SOCKET_RECONNECT_SECONDS = 10.0


class StartupError(Exception):
    """Atelier cannot start; the message says why and what to do."""


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path = Path("data")
    database_url: str | None = None
    tls_certificate: Path | None = None
    tls_key: Path | None = None
    public_url_override: str | None = None
    media_address: str | None = None
    ice_servers: tuple[str, ...] = ()
    turn_secret: str | None = None
    media_backend: str = "builtin"  # or "janus": Janus VideoRoom servers carry the media (media/janus/)
    janus_urls: tuple[str, ...] = ()
    janus_secret: str | None = None  # the Janus servers' api_secret
    smtp_url: str | None = None  # None: mail stays in the outbox, for organisers to read
    mail_from: str | None = None

    @property
    def database(self) -> str:
        from domain.database import sqlite_url

        return self.database_url or sqlite_url(self.data_dir)

    @property
    def web(self) -> WebSecurity:
        """Whether browsers come over HTTPS (served here or by a proxy), hence cookie flags and headers."""
        from ui.web_security import WebSecurity

        return WebSecurity.for_site(self.public_url, serves_tls=self.tls_certificate is not None)

    @property
    def public_url(self) -> str:
        """The address people use to reach Atelier, for the links it shows and sends."""
        if self.public_url_override:
            return self.public_url_override.rstrip("/")
        scheme = "https" if self.tls_certificate else "http"
        host = "localhost" if self.host in {"127.0.0.1", "0.0.0.0", "::"} else self.host
        return f"{scheme}://{host}:{self.port}"

    @property
    def smtp_server(self) -> SmtpServer | None:
        from mail.settings import parse_smtp_url

        return parse_smtp_url(self.smtp_url) if self.smtp_url else None

    @property
    def sender(self) -> Address:
        """Whom every e-mail comes from: --mail-from, or Atelier at the public address's host."""
        from mail.settings import default_mail_from, parse_mail_from

        return parse_mail_from(self.mail_from) if self.mail_from else default_mail_from(self.public_url)


# ------------------------------------------------------------------ command line

class _Parser(argparse.ArgumentParser):
    """Errors in one line and exit status 2, as the README promises."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a port number (1-65535)") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


def _database_url(text: str) -> str:
    from domain.database import SUPPORTED_SCHEMES, url_scheme

    if url_scheme(text) not in SUPPORTED_SCHEMES:
        raise argparse.ArgumentTypeError(
            f"unsupported database URL '{text.split(':', 1)[0]}:...': use sqlite://PATH or postgres://USER:PASSWORD@HOST/NAME"
        )
    return text


def _existing_file(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {text}")
    return path


def _public_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise argparse.ArgumentTypeError(f"'{text}' is not an address such as https://atelier.example.org")
    return text


def _ip_address(text: str) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not an IP address such as 203.0.113.9") from None


def _ice_servers(text: str) -> tuple[str, ...]:
    urls = tuple(url.strip() for url in text.split(",") if url.strip())
    for url in urls:
        if not url.startswith(("stun:", "turn:", "turns:")):
            raise argparse.ArgumentTypeError(f"'{url}' is not a STUN or TURN address such as stun:stun.example.org")
    return urls


def _media_backend(text: str) -> str:
    if text not in {"builtin", "janus"}:
        raise argparse.ArgumentTypeError(f"'{text}' is not a media backend: use builtin or janus")
    return text


def _janus_urls(text: str) -> tuple[str, ...]:
    urls = tuple(url.strip() for url in text.split(",") if url.strip())
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme not in {"ws", "wss"} or not parts.netloc:
            raise argparse.ArgumentTypeError(f"'{url}' is not a Janus WebSocket address such as "
                                             "ws://janus1.ville.example:8188")
    return urls


def _on_this_machine(url: str) -> bool:
    return urlsplit(url).hostname in {"localhost", "127.0.0.1", "::1"}


def _smtp_url(text: str) -> str:
    from mail.settings import parse_smtp_url

    try:
        parse_smtp_url(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None
    return text


def _mail_from(text: str) -> str:
    from mail.settings import parse_mail_from

    try:
        parse_mail_from(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None
    return text


def _role(text: str) -> str:
    if text not in {"organiser", "moderator"}:
        raise argparse.ArgumentTypeError(f"'{text}' is not a role: use organiser or moderator")
    return text


def _usage_error(message: str) -> NoReturn:
    """A wrong value that argparse cannot see (an ATELIER_* variable, two options that go together): status 2."""
    print(f"atelier: {message}", file=sys.stderr)
    raise SystemExit(2)


@dataclass(frozen=True)
class Option:
    """A command-line option that an ATELIER_<NAME> environment variable can also give."""

    flag: str
    convert: Callable[[str], Any]
    default: Any
    help: str
    required: bool = False

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")

    @property
    def variable(self) -> str:
        return ENV_PREFIX + self.dest.upper()

    def add_to(self, parser: argparse.ArgumentParser) -> None:
        shown_default = "" if self.default in (None, "") else f"default {self.default}; "
        parser.add_argument(self.flag, type=self.convert, default=None,
                            help=f"{self.help} ({shown_default}env {self.variable})")

    def resolve(self, arguments: argparse.Namespace) -> None:
        """Command line first, then the environment variable, then the default."""
        if getattr(arguments, self.dest) is not None:
            return
        if self.variable in os.environ:
            try:
                setattr(arguments, self.dest, self.convert(os.environ[self.variable]))
            except argparse.ArgumentTypeError as problem:
                _usage_error(f"{self.variable}: {problem}")
        elif self.required:
            _usage_error(f"{self.flag} is required (or set {self.variable})")
        else:
            setattr(arguments, self.dest, self.default)


SERVER_OPTIONS = (
    Option("--host", str, "127.0.0.1", "address to listen on"),
    Option("--port", _port, 8080, "port to listen on"),
    Option("--tls-certificate", _existing_file, None,
           "PEM certificate to serve HTTPS, needed for cameras outside localhost"),
    Option("--tls-key", _existing_file, None, "PEM private key matching --tls-certificate"),
    Option("--public-url", _public_url, None, "address people use to reach Atelier, behind a reverse proxy"),
    Option("--media-address", _ip_address, None,
           "public IP address to announce for camera and sound, when the server only knows a private one"),
    Option("--ice-servers", _ice_servers, (), "comma-separated STUN/TURN addresses for browsers behind strict "
           "firewalls, e.g. turn:turn.example.org:3478"),
    Option("--turn-secret", str, None, "secret shared with the TURN servers of --ice-servers (coturn's "
           "static-auth-secret): browsers get credentials made from it, valid 12 hours"),
    Option("--media-backend", _media_backend, "builtin", "who carries cameras, microphones and screens: builtin "
           "(Atelier itself) or janus (the Janus VideoRoom servers of --janus-url, for more people)"),
    Option("--janus-url", _janus_urls, (), "comma-separated WebSocket addresses of the Janus servers, e.g. "
           "ws://janus1.ville.example:8188,ws://janus2.ville.example:8188 (with --media-backend janus)"),
    Option("--janus-secret", str, None, "the api_secret of the Janus servers' janus.jcfg, sent with every request: "
           "needed when they are not on this machine, so that nobody else can use them"),
    Option("--smtp-url", _smtp_url, None, "the mail server to send e-mail through: smtp://USER:PASSWORD@HOST:587 "
           "(STARTTLS) or smtps://USER:PASSWORD@HOST:465 (TLS); without it, e-mail waits in the outbox page"),
    Option("--mail-from", _mail_from, None, "the sender of every e-mail, e.g. 'Mairie de Villeneuve "
           "<atelier@ville.example>' (default Atelier <atelier@HOST of the public address>)"),
)
STORAGE_OPTIONS = (
    Option("--data-dir", Path, Path("data"), "where the SQLite database, secrets and browser storage live"),
    Option("--database-url", _database_url, None,
           "sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/NAME instead of the SQLite file in the data directory"),
)
STAFF_OPTIONS = (
    Option("--email", str, None, "the person's e-mail address", required=True),
    Option("--role", _role, None, "organiser or moderator", required=True),
    Option("--name", str, "", "display name, the e-mail's local part if not given"),
)
COMMANDS = {
    "serve": ("run Atelier", SERVER_OPTIONS + STORAGE_OPTIONS),
    "demo": ("run Atelier with a demo workshop and demo staff accounts", SERVER_OPTIONS + STORAGE_OPTIONS),
    "create-staff": (f"create a staff account (password prompted, or read from {STAFF_PASSWORD_VARIABLE})",
                     STAFF_OPTIONS + STORAGE_OPTIONS),
    "migrate": ("apply database migrations and exit", STORAGE_OPTIONS),
}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="atelier", description="Live online civic workshops, self-hosted.")
    parser.add_argument("--version", action="version", version=f"atelier {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (description, options) in COMMANDS.items():
        command = commands.add_parser(name, help=description)
        for option in options:
            option.add_to(command)
    return parser


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    arguments = build_parser().parse_args(argv)
    for option in COMMANDS[arguments.command][1]:
        option.resolve(arguments)
    return arguments


def settings_from(arguments: argparse.Namespace) -> Settings:
    if bool(getattr(arguments, "tls_certificate", None)) != bool(getattr(arguments, "tls_key", None)):
        _usage_error("--tls-certificate and --tls-key go together (see 'atelier serve --help')")
    if any(url.startswith("turn") for url in getattr(arguments, "ice_servers", ())) and not getattr(
            arguments, "turn_secret", None):
        _usage_error("TURN addresses in --ice-servers need --turn-secret (or ATELIER_TURN_SECRET): the TURN "
                     "server's static-auth-secret")
    media_backend = getattr(arguments, "media_backend", "builtin")
    if media_backend == "janus" and not getattr(arguments, "janus_url", ()):
        _usage_error("--media-backend janus needs --janus-url (or ATELIER_JANUS_URL): the WebSocket addresses of "
                     "the Janus servers, e.g. ws://janus1.ville.example:8188")
    if media_backend == "janus" and not getattr(arguments, "janus_secret", None) and not all(
            _on_this_machine(url) for url in arguments.janus_url):
        _usage_error("Janus servers on other machines need --janus-secret (or ATELIER_JANUS_SECRET): the api_secret "
                     "of their janus.jcfg; without one, anyone who reaches their port could join the rooms")
    return Settings(
        host=getattr(arguments, "host", "127.0.0.1"),
        port=getattr(arguments, "port", 8080),
        data_dir=arguments.data_dir,
        database_url=arguments.database_url,
        tls_certificate=getattr(arguments, "tls_certificate", None),
        tls_key=getattr(arguments, "tls_key", None),
        public_url_override=getattr(arguments, "public_url", None),
        media_address=getattr(arguments, "media_address", None),
        ice_servers=getattr(arguments, "ice_servers", ()),
        turn_secret=getattr(arguments, "turn_secret", None),
        media_backend=media_backend,
        janus_urls=getattr(arguments, "janus_url", ()),
        janus_secret=getattr(arguments, "janus_secret", None),
        smtp_url=getattr(arguments, "smtp_url", None),
        mail_from=getattr(arguments, "mail_from", None),
    )


# ------------------------------------------------------------------ start-up checks

def prepare_data_dir(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as problem:
        raise StartupError(
            f"the data directory {data_dir} is not writable ({problem.strerror or problem}); "
            "choose another with --data-dir or ATELIER_DATA_DIR"
        ) from None


def load_secrets(data_dir: Path) -> dict[str, str]:
    """Secrets made once per installation and kept in the data directory (mode 600).

    `storage_secret` signs browser storage; `personal_links_secret` makes each registration's personal link
    (domain/personal_links.py). A secret missing from an older file is added to it.
    """
    path = data_dir / SECRETS_FILE_NAME
    values: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    missing = {name: secrets.token_urlsafe(48) for name in ("storage_secret", "personal_links_secret")
               if name not in values}
    if missing:
        values |= missing
        written = path.with_name(f".{SECRETS_FILE_NAME}.new")
        written.unlink(missing_ok=True)
        descriptor = os.open(written, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as secrets_file:
            json.dump(values, secrets_file)
        os.replace(written, path)
    return values


def check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as problem:
            reason = "it is already in use" if problem.errno == errno.EADDRINUSE else problem.strerror
            raise StartupError(f"cannot listen on {host}:{port}: {reason}; choose another with --port") from None


def with_database(settings: Settings, work: Callable[[], Awaitable[T]] | None = None) -> T | None:
    """Migrate the database, run `work` on it, close it: the start of every command.

    Run before the web server starts, so that a database that cannot open stops
    Atelier with a message instead of a server answering errors.
    """
    from domain import database

    async def run() -> T | None:
        try:
            await database.open_database(settings.database)
        except database.DatabaseUnavailable as problem:
            raise StartupError(f"cannot open the database {problem}") from None
        try:
            return await work() if work else None
        finally:
            await database.close_database()

    prepare_data_dir(settings.data_dir)
    return asyncio.run(run())


# ------------------------------------------------------------------ wiring

def build_app(settings: Settings, clock: Clock | None = None) -> None:
    """Register Atelier's pages and its long-lived parts' lifetime on NiceGUI's app (servers and tests alike).

    `clock` is the system's unless a test gives its own (a `FakeClock` for sign-in throttling, say). The personal
    links' secret is read from the data directory (made there on first use).
    """
    from nicegui import app

    from domain import retention
    from domain.clock import SystemClock
    from domain.live.registry import LiveRegistry
    from domain.mail_schedule import MailSchedule
    from domain.personal_links import PersonalLinks
    from domain.registrations import Registrations
    from domain.timekeeper import TimeKeeper
    from mail.composing import Composer
    from mail.sender import MailSender
    from media.ice import IceServers
    from media.live import LiveMedia
    from media.service import MediaService
    from ui import Services, register, socket_guard
    from ui.web_security import SecurityHeaders

    global _nicegui_lifespan
    if _nicegui_lifespan is None:  # wrap NiceGUI's own lifespan, never a previous wrapper
        _nicegui_lifespan = app.router.lifespan_context
    clock = clock or SystemClock()
    live = LiveRegistry(clock)
    ice_servers = IceServers(settings.ice_servers, settings.turn_secret)
    media: MediaBackend
    if settings.media_backend == "janus":
        from media.janus.service import JanusMedia

        media = JanusMedia(settings.janus_urls, ice_servers, api_secret=settings.janus_secret)
    else:
        media = MediaService(settings.media_address, ice_servers)
    live_media = LiveMedia(live, media)  # follows every run the registry loads, restored ones included
    keeper = TimeKeeper()
    keeper.add("live runs", live.keep_time)
    links = PersonalLinks(load_secrets(settings.data_dir)["personal_links_secret"].encode())
    composer = Composer(public_url=settings.public_url, mail_from=settings.sender, links=links, clock=clock)
    mail = MailSender(composer, settings.smtp_server, clock,
                      local_hostname=urlsplit(settings.public_url).hostname or "localhost")
    # Reminders and the messages after a session into the outbox; personal data erased when its days are over.
    schedule = MailSchedule(clock, also={
        "erasing expired personal data": retention.erase_expired_personal_data,
        "erasing expired personal data of live runs": partial(retention.erase_expired_participants, live=live),
    })
    # A keeper of its own: a minute that writes thousands of messages must not hold up the live runs' time.
    mail_keeper = TimeKeeper()
    mail_keeper.add("mail schedule", schedule.on_time)
    app.router.lifespan_context = _with_lifetime(settings.database, live, keeper, media, mail, mail_keeper,
                                                 _nicegui_lifespan)
    web = settings.web
    app.add_middleware(SecurityHeaders, security=web)
    socket_guard.install(web.public_origin)
    register(Services(clock=clock, version=__version__, public_url=settings.public_url, live=live,
                      live_media=live_media, web=web, mail=mail, personal_links=links,
                      registrations=Registrations(links, clock)))


_nicegui_lifespan: Callable[[Any], Any] | None = None


def _with_lifetime(url: str, live: LiveRegistry, keeper: TimeKeeper, media: MediaBackend, mail: MailSender,
                   mail_keeper: TimeKeeper, inner: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Before NiceGUI serves: open the database, bring back the live runs under way, start keeping time,
    writing the reminders and after-session messages that come due, and sending the outbox's mail.

    After it stops: stop the mail schedule, the mail sender and the time-keeper and wait for them, close every
    media connection, stop the runs' announcements, close the database. Never serve without them, never leave
    them running.
    """
    from domain import database

    @asynccontextmanager
    async def lifespan(application: Any) -> AsyncIterator[None]:
        await database.open_database(url)
        await live.start()
        keeper.start()
        mail.start()
        mail_keeper.start()
        try:
            async with inner(application):
                yield
        finally:
            await mail_keeper.stop()
            await mail.stop()
            await keeper.stop()
            await media.close()
            await live.close()
            await database.close_database()

    return lifespan


def run_server(settings: Settings, storage_secret: str, clock: Clock | None = None) -> None:
    from nicegui import app, ui
    from nicegui.storage import Storage

    from ui.live import quiet_gc

    Storage.path = (settings.data_dir / BROWSER_STORAGE_DIR_NAME).resolve()
    build_app(settings, clock)
    app.on_startup(quiet_gc.start)
    tls: dict[str, Any] = {}  # uvicorn's own options, passed on by ui.run
    if settings.tls_certificate and settings.tls_key:
        tls = {"ssl_certfile": str(settings.tls_certificate), "ssl_keyfile": str(settings.tls_key)}
    ui.run(
        host=settings.host,
        port=settings.port,
        title="Atelier",
        favicon=Path(__file__).parent / "ui" / "static" / "favicon.svg",
        reload=False,
        show=False,
        show_welcome_message=False,
        storage_secret=storage_secret,
        session_middleware_kwargs=settings.web.browser_cookie_options,
        uvicorn_logging_level="warning",
        # Compressing each socket keeps about 300 kB of zlib state per page, a third of a participant's
        # memory, for updates of a few hundred bytes: see docs/benchmarks.md.
        ws_per_message_deflate=False,
        # NiceGUI derives the sockets' pings from this: every 8 s, 4 s to answer (3 s gave 4 s and 2 s). A server
        # busy for a few seconds (300 people entering, a full garbage collection after a burst) then drops no page.
        reconnect_timeout=SOCKET_RECONNECT_SECONDS,
        **tls,
    )


# ------------------------------------------------------------------ commands

def serve(settings: Settings, *, with_demo: bool = False, clock: Clock | None = None) -> int:
    """Run the server until it is stopped; `clock` is the system's unless a test starts it with its own."""
    from domain import demo
    from domain.clock import SystemClock

    with_database(settings, partial(demo.ensure_demo_workshop, clock or SystemClock()) if with_demo else None)
    storage_secret = load_secrets(settings.data_dir)["storage_secret"]
    check_port_free(settings.host, settings.port)
    if with_demo:
        _print_demo_accounts(settings)
    _print_mail(settings)
    print(f"Atelier {__version__} is running on {settings.public_url} (Ctrl+C to stop)", flush=True)
    run_server(settings, storage_secret, clock)
    return 0


def _print_mail(settings: Settings) -> None:
    server = settings.smtp_server
    if server is None:
        print(f"E-mail is not sent (no --smtp-url): organisers read it at {settings.public_url}/organise/outbox")
    else:  # the address only: never the user name or password
        print(f"E-mail is sent through {server.address} as {settings.sender}")


def _print_demo_accounts(settings: Settings) -> None:
    from domain import demo

    print("Demo workshop:   " + f"{settings.public_url}/w/{demo.DEMO_SLUG}")
    print(f"Sign in at {settings.public_url}/signin with password '{demo.DEMO_PASSWORD}':")
    for account in (demo.ORGANISER, demo.MODERATOR):
        print(f"  {account.role.value:<10} {account.email}")
    print("These demo accounts are for trying Atelier: do not run the demo on a public server.")


def create_staff(settings: Settings, email: str, role: str, name: str) -> int:
    from domain import accounts
    from domain.errors import InvalidValue
    from domain.models import StaffRole

    password = os.environ.get(STAFF_PASSWORD_VARIABLE)
    if password is None:
        try:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("Password again: ")
        except EOFError:  # no terminal and no variable: nothing to read the password from
            print(f"atelier: no password given: type it, or set {STAFF_PASSWORD_VARIABLE}", file=sys.stderr)
            return 2
        if again != password:
            print("atelier: the two passwords differ", file=sys.stderr)
            return 2

    try:
        with_database(settings, partial(accounts.create_staff, email, name, StaffRole(role), password,
                                        site_address=settings.public_url))
    except InvalidValue as problem:
        print(f"atelier: {problem}", file=sys.stderr)
        return 2
    print(f"Created the {role} account {accounts.normalise_email(email)}.")
    return 0


def migrate(settings: Settings) -> int:
    from domain import database

    with_database(settings)
    print(f"The database is up to date: {database.redact(settings.database)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    os.umask(0o077)  # the database, secrets and browser storage are for Atelier's own user only
    settings = settings_from(arguments)
    try:
        if arguments.command == "serve":
            return serve(settings)
        if arguments.command == "demo":
            return serve(settings, with_demo=True)
        if arguments.command == "create-staff":
            return create_staff(settings, arguments.email, arguments.role, arguments.name)
        return migrate(settings)
    except StartupError as problem:
        print(f"atelier: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
