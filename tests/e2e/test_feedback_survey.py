"""The feedback survey in Chromium: answered from the keyboard at the stage's closing step, or afterwards from the
personal page, once per person; the organisers' results, answers shown as written. axe-core audits each of them.

Two people registered for a session about to start come in from their personal pages; the moderator runs the
agenda to its last step, where Amina answers; the moderator ends the session, and Bruno answers from his personal
page (the thank-you e-mail's link), where Amina reads that she answered during the workshop.

Set ATELIER_SCREENSHOTS=1 to rewrite the feedback-*.png screenshots of docs/screenshots/.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from domain.clock import SystemClock
from domain.i18n import translate
from domain.models import FeedbackAnswer, Registration, RegistrationStatus, Workshop
from domain.personal_links import PersonalLinks, token_hash
from tests.conftest import PASSWORD
from tests.e2e.conftest import ORGANISER, ROOT, Contexts, Server, check_accessibility, in_database, sign_in
from tests.registration_workshop import TITLE, registration_workshop

pytestmark = pytest.mark.e2e

SCREENSHOTS = ROOT / "docs" / "screenshots"
STAGE_VIEWPORT = {"width": 1280, "height": 800}
BOARD_VIEWPORT = {"width": 760, "height": 1000}
USEFUL = "Qu’avez-vous trouvé utile ?"
IMPROVE = "Que faudrait-il améliorer ?"
MARKUP = "<b>Les petits groupes</b> {{ 7*7 }} <script>alert(1)</script>"


def fr(text: str, **values: object) -> str:
    return translate(text, "fr").format(**values)


def keep_screenshot(page: Page, part: Locator, name: str) -> None:
    """docs/screenshots/<name> when ATELIER_SCREENSHOTS=1: the window, scrolled to show `part`."""
    if os.environ.get("ATELIER_SCREENSHOTS") != "1":
        return
    part.scroll_into_view_if_needed()
    page.wait_for_timeout(400)  # Quasar's transitions settle
    page.screenshot(path=str(SCREENSHOTS / name))


def registered_people(server: Server) -> tuple[str, dict[str, str]]:
    """A session starting in 20 minutes with the survey's two questions, Amina and Bruno with a place: the
    workshop's slug and their personal pages."""
    assert server.data_dir is not None
    secret = json.loads((server.data_dir / "secrets.json").read_text())["personal_links_secret"]
    links = PersonalLinks(secret.encode())
    now = datetime.now(UTC).replace(second=0, microsecond=0)

    async def make() -> tuple[str, dict[str, str]]:
        workshop, sessions = await registration_workshop(SystemClock(), starts=[now + timedelta(minutes=20)],
                                                         capacities=[10])
        await Workshop.filter(id=workshop.id).update(feedback_questions=[USEFUL, IMPROVE])
        pages = {}
        for name in ("Amina", "Bruno"):
            public_id = f"feedback-{name.lower()}"
            await Registration.create(public_id=public_id, workshop_id=workshop.id, session_id=sessions[0].id,
                                      email=f"{name.lower()}@exemple.fr", display_name=name,
                                      status=RegistrationStatus.CONFIRMED, calendar_sequence=1,
                                      token_hash=token_hash(links.token(public_id, 1)), registered_at=now,
                                      confirmed_at=now)
            pages[name] = f"/r/{links.token(public_id, 1)}"
        return workshop.slug, pages

    return in_database(server, make)


def survey(page: Page) -> Locator:
    return page.get_by_role("region", name=fr("Feedback survey"))


def test_people_answer_the_survey_once_on_the_stage_or_from_their_personal_page(
        people: Contexts, own_server: Server) -> None:
    slug, personal = registered_people(own_server)
    participants = {}
    for name, path in personal.items():
        page = people.new_page(viewport=STAGE_VIEWPORT)
        page.goto(path)
        expect(page.get_by_text(fr("After the session, a short survey here will ask what you thought of it."))
               ).to_be_visible()
        page.get_by_role("button", name=fr("Enter the workshop")).click()
        page.wait_for_url(re.compile(f"/w/{slug}/lobby$"))
        participants[name] = page
    amina, bruno = participants["Amina"], participants["Bruno"]

    board = people.new_page(viewport=BOARD_VIEWPORT)
    sign_in(board, "karim@ville.example", PASSWORD, landing=re.compile(r"/moderate$"))
    board.goto(f"/w/{slug}/moderate")
    board.get_by_role("button", name=fr("Open the doors")).click()
    for page in (amina, bruno):
        page.wait_for_url(f"**/w/{slug}/live")
        page.wait_for_function("window.did_handshake === true")
    expect(board.get_by_role("tab", name="Personnes (2)")).to_be_visible()
    board.get_by_role("button", name=fr("Start the workshop")).click()
    for number in range(2, 6):  # to the agenda's last step, the closing one
        board.get_by_role("button", name=re.compile("^Suivante : ")).click()
        expect(board.get_by_text(f"Étape {number} sur 5")).to_be_visible()

    # At the closing step, the survey: Amina answers from the keyboard.
    expect(survey(amina)).to_be_visible()
    scale = survey(amina).get_by_role("group", name=fr("How satisfied are you with this workshop?"))
    expect(scale.get_by_role("radio")).to_have_count(5)
    check_accessibility(amina, f"/w/{slug}/live (feedback survey)")
    keep_screenshot(amina, survey(amina), "feedback-stage.png")
    survey(amina).get_by_role("button", name=fr("Send my answers")).focus()
    amina.keyboard.press("Enter")  # nothing chosen: told beside the scale
    expect(survey(amina).get_by_text(fr("Choose how satisfied you are, from 1 to 5."))).to_be_visible()
    scale.get_by_role("radio", name="5 · " + fr("Very satisfied")).focus()
    amina.keyboard.press("Space")
    expect(scale.get_by_role("radio", name="5 · " + fr("Very satisfied"))).to_be_checked()
    amina.keyboard.press("Tab")
    expect(survey(amina).get_by_role("textbox", name=USEFUL)).to_be_focused()
    amina.keyboard.type(MARKUP)
    survey(amina).get_by_role("button", name=fr("Send my answers")).focus()
    amina.keyboard.press("Enter")
    thanks = survey(amina).get_by_role("status").filter(has_text=fr("Thank you for your answers!"))
    expect(thanks).to_be_focused()
    check_accessibility(amina, f"/w/{slug}/live (feedback sent)")
    amina.reload()
    expect(survey(amina).get_by_text(fr("You already answered the survey: thank you!"))).to_be_visible()

    # The moderator ends the session; Bruno, who did not answer on the stage, answers from his personal page.
    board.get_by_role("button", name=fr("End the workshop")).click()
    board.get_by_role("dialog").get_by_role("button", name=fr("End the workshop")).click()
    expect(board.get_by_role("status").filter(has_text="L’atelier est terminé.")).to_be_visible()
    bruno.goto(personal[("Bruno")] + "#feedback")
    form = bruno.locator("#feedback")
    expect(form.get_by_role("group", name=fr("How satisfied are you with this workshop?"))).to_be_visible()
    check_accessibility(bruno, "/r/… (feedback survey)")
    keep_screenshot(bruno, form, "feedback-personal-page.png")
    form.get_by_role("radio", name="3 · " + fr("Fairly satisfied")).click()
    form.get_by_role("textbox", name=IMPROVE).fill("Plus de temps pour les échanges")
    form.get_by_role("button", name=fr("Send my answers")).click()
    expect(form.get_by_role("status")).to_have_text(fr("Thank you for your answers!"))
    amina.goto(personal["Amina"])
    expect(amina.get_by_text(fr("You answered the survey during the workshop: thank you!"))).to_be_visible()
    expect(amina.get_by_role("button", name=fr("Send my answers"))).to_have_count(0)

    # The organisers read the results: the figures as a chart and a table, the answers as written.
    organiser = people.new_page()
    sign_in(organiser, ORGANISER, landing=re.compile(r"/organise$"))
    organiser.get_by_role("link", name=re.compile("^" + re.escape(fr("Feedback survey of {title}", title=TITLE)))
                          ).click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text(fr("Feedback · {title}", title=TITLE))
    expect(organiser.get_by_text("2 réponses · 2 personnes ont participé")).to_be_visible()
    expect(organiser.get_by_text("Moyenne : 4,0 sur 5")).to_be_visible()
    table = organiser.get_by_role("table", name=fr("Answers per point of the scale"))
    expect(table.get_by_role("row", name=re.compile(r"^5 · Très satisfait·e 1 50"))).to_be_visible()
    answer = organiser.get_by_role("listitem").filter(has_text="Les petits groupes")
    expect(answer).to_have_text(MARKUP)  # as written: no bold, no script, no template
    expect(answer.locator("b, script")).to_have_count(0)
    check_accessibility(organiser, "/organise/workshops/…/feedback")
    keep_screenshot(organiser, organiser.get_by_role("heading", level=1), "feedback-results.png")

    rows = in_database(own_server, lambda: FeedbackAnswer.all().order_by("id").values_list("satisfaction", "on_stage"))
    assert rows == [(5, True), (3, False)]
    assert not people.page_errors, f"JavaScript errors: {people.page_errors}"
