"""The simulated users of NiceGUI's testing plugin, each test on its own database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from nicegui import core, ui
from nicegui.testing.general_fixtures import get_path_to_main_file
from nicegui.testing.user import User
from nicegui.testing.user_simulation import user_simulation

import tests.ui.app_clock
from domain import accounts
from domain.clock import Clock, SystemClock
from domain.models import StaffRole
from tests.conftest import PASSWORD
from tests.migrated import put_migrated_database
from tests.waiting import GUARD

BROWSER_ZONE = re.compile(r"Intl\.DateTimeFormat")


@pytest.fixture
def app_clock() -> Clock:
    """The clock the pages read: the system's. A test module that needs time to stand still while
    its pages work (sign-in throttling, say) overrides this fixture with a `FakeClock`."""
    return SystemClock()


@pytest.fixture
async def user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
               request: pytest.FixtureRequest, app_clock: Clock) -> AsyncIterator[User]:
    """NiceGUI's `user` fixture, on a fresh data directory and `app_clock`, with a browser in Paris."""
    put_migrated_database(tmp_path)
    monkeypatch.setenv("ATELIER_TEST_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(tests.ui.app_clock, "current", app_clock)
    async with user_simulation(main_file=get_path_to_main_file(request)) as simulated:
        simulated.javascript_rules[BROWSER_ZONE] = lambda _: "Europe/Paris"
        yield simulated
        errors = [record for record in caplog.get_records("call") if record.levelname == "ERROR"]
        if errors:
            pytest.fail(f"unexpected errors logged: {[record.getMessage() for record in errors]}", pytrace=False)


@pytest.fixture
def create_user(user: User) -> Callable[[], User]:
    """More simulated browsers on the same app (NiceGUI's own fixture would start the app a second time).

    Note: in the simulation, a navigation triggered by someone else's action goes to the last
    browser that acted; tests re-open pages instead of relying on it (the browser tests cover it).
    """
    def make() -> User:
        other = User(httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test"))
        other.javascript_rules[BROWSER_ZONE] = lambda _: "Europe/Paris"
        return other
    return make




async def see(user: User, target: str | type[ui.element] | None = None, **filters: Any) -> None:
    """`user.should_see`, waiting as long as the page needs (NiceGUI's own gives up after `retries` × 0.1 s)."""
    deadline = asyncio.get_running_loop().time() + GUARD
    while True:
        try:
            await user.should_see(target, retries=1, **filters)
            return
        except AssertionError:
            if asyncio.get_running_loop().time() > deadline:
                raise
        await asyncio.sleep(0.05)


async def sign_in(user: User, email: str, password: str = PASSWORD) -> None:
    await user.open("/signin")
    user.find("Adresse e-mail").type(email)
    user.find("Mot de passe").type(password)
    user.find("Se connecter").click()


@pytest.fixture
async def organiser_user(user: User) -> User:
    await accounts.create_staff("claire@ville.example", "Claire Martin", StaffRole.ORGANISER, PASSWORD)
    await sign_in(user, "claire@ville.example")
    await see(user, "Préparez, publiez et suivez les ateliers de votre commune.")
    return user
