"""Make the pictures of the way in that the practical information e-mail shows: `python docs/make_mail_pictures.py`.

Starts `atelier serve` on a free port with a throw-away data directory holding one workshop whose session starts in
20 minutes and one person registered for it, then follows that person's way in with Debian's Chromium (a synthetic
camera and microphone), in French and in English: their personal page's "Enter the workshop", the lobby where they
wait, and the camera and microphone check there. Each step's card is saved as mail/pictures/<language>/<step>.png,
small (a narrow window, one device pixel per CSS pixel), for mail/composing.py to put inline in the e-mail.
Run it again when those pages change.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from atelier import load_secrets  # noqa: E402 - after the path to the repository is set
from docs.screenshots import free_port, wait_until_healthy  # noqa: E402
from domain import accounts, database, timekeeping, workshops  # noqa: E402
from domain.models import (  # noqa: E402
    Registration,
    RegistrationMode,
    RegistrationStatus,
    StaffRole,
    TeamRole,
    Workshop,
)
from domain.personal_links import PersonalLinks, personal_page, token_hash  # noqa: E402

OUTPUT = ROOT / "mail" / "pictures"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-gpu",
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
TITLES = {"fr": "Réinventons la place du Marché", "en": "Reinventing the Market Square"}
PEOPLE = {"fr": "Amina", "en": "Sam"}
ENTER = {"fr": "Entrer dans l’atelier", "en": "Enter the workshop"}
WELCOME = {"fr": "Bienvenue, {name} !", "en": "Welcome, {name}!"}
DEVICES = {"fr": "Caméra et micro", "en": "Camera and microphone"}
TEST = {"fr": "Tester ma caméra et mon micro", "en": "Check my camera and microphone"}
# Chromium's fake devices are called "fake_device_0" and "Fake Default Audio Input": the pictures show names like
# those of a citizen's own computer instead.
DEVICE_NAMES = {"fr": ["Caméra intégrée", "Micro intégré", "Haut-parleurs intégrés"],
                "en": ["Built-in camera", "Built-in microphone", "Built-in speakers"]}
WIDTH = 560


async def prepare(data_dir: Path, links: PersonalLinks) -> dict[str, str]:
    """One invitation-only workshop per language, starting in 20 minutes, with one person registered: their
    personal link's token, by language."""
    await database.open_database(database.sqlite_url(data_dir))
    try:
        tokens = {}
        moderator = await accounts.create_staff("karim@ville.example", "Karim", StaffRole.MODERATOR,
                                                secrets.token_urlsafe(16))
        starts = datetime.now(UTC) + timedelta(minutes=20)
        for language, title in TITLES.items():
            workshop = await workshops.create_workshop(title=title, created_by=None, time_zone="Europe/Paris",
                                                       language=language)
            local = timekeeping.to_local(starts, workshop.time_zone)
            session = await workshops.add_session(workshop, local.date(), local.time().replace(microsecond=0))
            await workshops.add_team_member(workshop, moderator.id, TeamRole.LEAD_MODERATOR)
            # Published as is: these pages need no more of the workshop than its title and session.
            await Workshop.filter(id=workshop.id).update(registration_mode=RegistrationMode.INVITATION_ONLY,
                                                         published_at=datetime.now(UTC))
            public_id = secrets.token_hex(8)
            tokens[language] = links.token(public_id, 1)
            await Registration.create(public_id=public_id, workshop=workshop, session=session,
                                      email=f"{public_id}@example.org", display_name=PEOPLE[language],
                                      language=language, status=RegistrationStatus.CONFIRMED,
                                      token_hash=token_hash(tokens[language]))
        return tokens
    finally:
        await database.close_database()


def card_of(page: Page, heading: str) -> Locator:
    return page.locator(".atelier-card").filter(has=page.get_by_role("heading", name=heading))


def save(card: Locator, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    card.page.evaluate("document.activeElement?.blur()")  # no focus ring in the picture
    card.page.wait_for_timeout(600)  # Quasar's transitions settle, the camera's picture shows
    for attempt in range(3):  # the personal page may redraw its cards once as it opens
        try:
            card.screenshot(path=str(path), animations="disabled")
            break
        except PlaywrightError:
            if attempt == 2:
                raise
            card.page.wait_for_timeout(500)
    print(f"saved {path.relative_to(ROOT)} ({path.stat().st_size // 1024} kB)")


def shoot(page: Page, base: str, token: str, language: str) -> None:
    url = personal_page(base, token).url
    page.goto(f"{base}/language/{language}?next={url.removeprefix(base)}")
    enter = page.get_by_role("button", name=ENTER[language])
    expect(enter).to_be_visible(timeout=30_000)
    save(page.locator(".atelier-card").filter(has=enter), OUTPUT / language / "enter.png")
    enter.click()
    welcome = WELCOME[language].format(name=PEOPLE[language])
    expect(page.get_by_role("heading", name=welcome)).to_be_visible(timeout=30_000)
    save(card_of(page, welcome), OUTPUT / language / "lobby.png")
    devices = card_of(page, DEVICES[language])
    devices.get_by_role("button", name=TEST[language]).click()
    expect(devices.locator("video")).to_be_visible(timeout=30_000)
    devices.evaluate("""(card, names) => card.querySelectorAll('select').forEach((select, index) => {
        if (select.selectedOptions[0] && names[index]) select.selectedOptions[0].text = names[index];
    })""", DEVICE_NAMES[language])
    save(devices, OUTPUT / language / "device_check.png")


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = Path(tempfile.mkdtemp(prefix="atelier-mail-pictures-"))
    subprocess.run([sys.executable, "-m", "atelier", "migrate", "--data-dir", str(data_dir)], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)
    links = PersonalLinks(load_secrets(data_dir)["personal_links_secret"].encode())
    tokens = asyncio.run(prepare(data_dir, links))
    server = subprocess.Popen([sys.executable, "-m", "atelier", "serve", "--port", str(port), "--data-dir",
                               str(data_dir)], cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        wait_until_healthy(base, timeout=60)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            for language, token in tokens.items():
                context = browser.new_context(viewport={"width": WIDTH, "height": 900}, device_scale_factor=1,
                                              locale=language, timezone_id="Europe/Paris")
                shoot(context.new_page(), base, token, language)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
