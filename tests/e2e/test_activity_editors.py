"""The wizard's agenda with the questions and dot-voting activities: dot voting lists only the earlier steps that
carry an ideas board, and saves the chosen step and the number of dots.

Set ATELIER_SCREENSHOTS=1 to rewrite docs/screenshots/wizard-dots.png.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from domain.models import Step
from tests.e2e.conftest import Server, check_accessibility, in_database, keep_screenshot

pytestmark = pytest.mark.e2e

BREAKOUT = "Discussion en sous-groupes"
PLENARY = "Questions et échanges en plénière"
CONCLUSION = "Conclusion"


def open_step(page: Page, title: str) -> Locator:
    """Open a step of the agenda; its card."""
    toggle = page.get_by_role("button", name=f"Afficher ou masquer l’étape « {title} »")
    card = page.locator(".q-card").filter(has=toggle)
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    expect(card.get_by_role("combobox", name="Activité des participant·es")).to_be_visible()
    return card


def choose(page: Page, card: Locator, label: str, option: str) -> None:
    card.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(page.get_by_text("Toutes les modifications sont enregistrées")).to_be_visible()


def test_dot_voting_is_set_up_on_the_ideas_of_an_earlier_step(organiser_page: Page, server: Server,
                                                              new_draft: Callable[[str], str]) -> None:
    page = organiser_page
    slug = new_draft("Gommettes et questions")
    page.goto(f"/organise/{slug}/agenda")
    plenary = open_step(page, PLENARY)
    choose(page, plenary, "Activité des participant·es", "Questions avec votes")  # nothing more to set
    conclusion = open_step(page, CONCLUSION)
    choose(page, conclusion, "Activité des participant·es", "Vote par gommettes")
    expect(conclusion.get_by_text("Aucune étape avant celle-ci n’a encore de mur d’idées")).to_be_visible()
    breakout = open_step(page, BREAKOUT)
    choose(page, breakout, "Activité des participant·es", "Mur d’idées")
    # The conclusion's choices follow: the breakout step is now one, the plenary (questions) is not.
    expect(conclusion.get_by_text("Aucune étape avant celle-ci n’a encore de mur d’idées")).to_be_hidden()
    conclusion.get_by_role("combobox", name="Idées soumises au vote").click()
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options).to_have_text(f"Étape 4 : {BREAKOUT}")
    options.click()
    expect(page.get_by_text("Toutes les modifications sont enregistrées")).to_be_visible()
    dots = conclusion.get_by_role("spinbutton", name="Gommettes par personne")
    expect(dots).to_have_value("3")
    dots.fill("11")
    dots.press("Tab")
    expect(page.get_by_text("Non enregistré : voyez le message à côté du champ")).to_be_visible()
    dots.fill("5")
    dots.press("Tab")
    expect(page.get_by_text("Toutes les modifications sont enregistrées")).to_be_visible()
    keep_screenshot(page, "wizard-dots.png", full_page=True)
    check_accessibility(page, f"/organise/{slug}/agenda (dot voting)")

    async def saved() -> tuple[dict | None, int]:
        step = await Step.get(workshop__slug=slug, title=CONCLUSION)
        source = await Step.get(workshop__slug=slug, title=BREAKOUT)
        return step.activity, source.id

    activity, source_id = in_database(server, saved)
    assert activity == {"kind": "dots", "source_step_id": source_id, "dots": 5}
