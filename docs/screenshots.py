"""Take screenshots of Atelier's pages with Debian's Chromium: `python docs/screenshots.py [OUTPUT_DIR]`.

Starts `atelier demo` on a free port with a throw-away data directory, signs in as
the demo organiser, and saves one PNG per page (docs/screenshots/ by default).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-gpu"]
DEMO_PASSWORD = "atelier-demo"
ORGANISER = "organisatrice@atelier.example"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("Atelier did not become healthy")


def shoot(page: Page, url: str, path: Path, *, full_page: bool = True) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=full_page)
    print(f"saved {path}")


def main(output: Path, language: str = "fr") -> None:
    output.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data_dir = Path(tempfile.mkdtemp(prefix="atelier-shots-"))
    command = [sys.executable, "-m", "atelier", "demo", "--port", str(port), "--data-dir", str(data_dir)]
    server = subprocess.Popen(command,
                              stdout=subprocess.DEVNULL)
    try:
        wait_until_healthy(base)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 860}, locale=language,
                                    timezone_id="America/Montreal")
            page.goto(f"{base}/language/{language}?next=/")
            shoot(page, f"{base}/", output / "home.png")
            shoot(page, f"{base}/w/demo", output / "public-page.png")
            shoot(page, f"{base}/signin", output / "signin.png")
            page.get_by_label("Adresse e-mail" if language == "fr" else "E-mail address").fill(ORGANISER)
            page.get_by_label("Mot de passe" if language == "fr" else "Password", exact=True).fill(DEMO_PASSWORD)
            page.keyboard.press("Enter")
            page.wait_for_url(f"{base}/organise")
            shoot(page, f"{base}/organise", output / "dashboard.png")
            for part in ("purpose", "when", "agenda", "welcome", "rooms", "participants", "team", "review",
                         "invitations"):
                shoot(page, f"{base}/organise/demo/{part}", output / f"wizard-{part}.png")
            shoot(page, f"{base}/organise/new", output / "new-workshop.png")
            shoot(page, f"{base}/organise/staff", output / "staff.png")
            shoot(page, f"{base}/moderate/demo", output / "script.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "screenshots",
         sys.argv[2] if len(sys.argv) > 2 else "fr")
