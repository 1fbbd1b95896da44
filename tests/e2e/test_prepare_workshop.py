"""An organiser prepares and publishes a workshop in the browser; visitors and other roles see the result.

Everything is found the way a person finds it: by visible French labels, roles and texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from time import monotonic as time_now
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import MODERATOR, ORGANISER, ORGANISER_ZONE, Contexts, check_accessibility, sign_in

pytestmark = pytest.mark.e2e

PARTS = ("purpose", "when", "agenda", "welcome", "rooms", "participants", "team", "review", "invitations")
VISITOR_ZONE = "America/Montreal"
VISITOR_ZONE_REPORTED = "America/Toronto"  # Chromium (ICU) canonicalises Montreal to Toronto
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
LENGTH_LABEL = "Durée d’une session, en minutes"
LENGTH_OUT_OF_RANGE = "Indiquez un nombre entre 15 et 480."
GUARD_SECONDS = 60  # against hanging only: the tests wait for what the pages show, never for a time
NOT_SAVED = "Non enregistré : voyez le message à côté du champ"
ALL_SAVED = "Toutes les modifications sont enregistrées"


def long_date(day: date) -> str:
    """The date as Atelier writes it in French: 'Jeudi 21 janvier 2027'."""
    text = f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"
    return text[:1].upper() + text[1:]


def field_of(control: Locator) -> Locator:
    """The whole Quasar field (label, control, hint and messages) around an input."""
    return control.page.locator("label.q-field").filter(has=control)


def wizard_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Parties de la préparation")


# ------------------------------------------------------------------ preparing and publishing


def test_organiser_prepares_and_publishes_a_workshop(contexts: Contexts, base_url: str) -> None:
    page = contexts.new_page()  # the organiser, in Paris like the municipality
    sign_in(page, ORGANISER, landing=f"{base_url}/organise")

    # A working title is all a draft needs.
    page.get_by_role("button", name="Nouvel atelier").click()
    page.wait_for_url("**/organise/new")
    title = "Budget participatif des quartiers"
    page.get_by_role("textbox", name="Titre provisoire").fill(title)
    page.get_by_role("button", name="Créer le brouillon").click()
    page.wait_for_url(re.compile(r"/organise/[a-z0-9-]+/purpose$"))
    slug = page.url.split("/")[-2]
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    nav = wizard_nav(page)

    # 1. Purpose
    description = ("Décidez ensemble de l’usage de 200 000 € dans vos quartiers : aires de jeux, pistes cyclables, "
                   "jardins.")
    page.get_by_role("textbox", name="Description publique").fill(description)
    page.get_by_role("textbox", name="Objectifs", exact=True).fill("Retenir cinq projets prioritaires.")
    page.get_by_role("textbox", name="Facteurs de succès").fill("Quarante habitant·es de tous les quartiers.")
    expect(nav.get_by_role("link", name="1 Objectif complet")).to_be_visible()
    page.get_by_role("button", name="Suivant : Date et heure").click()

    # 2. Date and time: one session, two months ahead, 19:00 in Paris; two hours long.
    page.wait_for_url(f"**/organise/{slug}/when")
    day = datetime.now(ZoneInfo(ORGANISER_ZONE)).date() + timedelta(days=60)
    page.get_by_role("button", name="Ajouter une session").click()
    expect(page.get_by_role("heading", name="Session 1")).to_be_visible()
    page.get_by_role("textbox", name="Date", exact=True).fill(day.isoformat())
    page.get_by_role("textbox", name="Heure de début").fill("19:00")
    expect(page.get_by_text(f"{long_date(day)}, 19:00–20:30")).to_be_visible()
    page.get_by_role("spinbutton", name=LENGTH_LABEL).fill("120")
    expect(page.get_by_text(f"{long_date(day)}, 19:00–21:00")).to_be_visible()
    page.get_by_role("button", name="Suivant : Ordre du jour").click()

    # 3. Agenda: the suggested agenda, plus a vote from the templates, longer, before the conclusion.
    page.wait_for_url(f"**/organise/{slug}/agenda")
    page.get_by_role("button", name="Ajouter un modèle d’étape").click()
    page.get_by_role("menuitem", name="Vote · 10 min").click()
    vote = "Vote sur les priorités"
    move_up = page.get_by_role("button", name=f"Monter « {vote} »")
    expect(move_up).to_be_visible()  # the new step is open at the end of the agenda
    step = page.locator(".q-card").filter(has=move_up)
    minutes = step.get_by_role("spinbutton", name="Minutes")
    expect(minutes).to_have_value("10")
    minutes.fill("20")
    balance = "1 h 40 prévues pour une session de 2 h : 20 min restent pour les imprévus."
    expect(page.get_by_text(balance)).to_be_visible()
    move_up.click()
    expect(page.get_by_role("button", name=f"Descendre « {vote} »")).to_be_visible()  # no longer the last step
    page.get_by_role("button", name="Suivant : Accueil et clôture").click()

    # 4. Welcome and closing: the suggested welcome question is there; add the feedback survey.
    page.wait_for_url(f"**/organise/{slug}/welcome")
    expect(page.get_by_role("textbox", name="Question d’accueil")).to_have_value(
        "Qu’est-ce qui vous amène à cet atelier ?")
    survey = page.get_by_role("textbox", name="Lien vers le questionnaire de satisfaction")
    survey.fill("pas une adresse")
    expect(field_of(survey).get_by_role("alert")).to_have_text(
        "Indiquez une adresse web commençant par https:// ou http://.")
    survey.fill("https://questionnaire.ville.example/budget")
    expect(field_of(survey).get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Suivant : Salles").click()

    # 5. Rooms: 24 people expected, the suggested breakout rooms created.
    page.wait_for_url(f"**/organise/{slug}/rooms")
    expect(nav.get_by_role("link", name="5 Salles 1 point à corriger")).to_be_visible()
    page.get_by_role("spinbutton", name="Participant·es attendu·es par session").fill("24")
    expect(page.get_by_text("Suggestion pour 24 participant·es : 3 à 4 sous-groupes.")).to_be_visible()
    page.get_by_role("button", name=re.compile(r"^Créer \d+ salles?$")).click()
    expect(page.get_by_role("heading", name="Salle de sous-groupe 3")).to_be_visible()
    expect(nav.get_by_role("link", name="5 Salles complet")).to_be_visible()
    page.get_by_role("button", name="Suivant : Participant·es").click()

    # 6. Participants: who should come, and why.
    page.wait_for_url(f"**/organise/{slug}/participants")
    expect(nav.get_by_role("link", name="6 Participant·es 1 conseil")).to_be_visible()
    page.get_by_role("textbox", name="Qui exactement, et pourquoi ces personnes ?").fill(
        "Les habitant·es de chaque quartier, jeunes et moins jeunes.")
    expect(nav.get_by_role("link", name="6 Participant·es complet")).to_be_visible()
    page.get_by_role("button", name="Suivant : Équipe").click()

    # 7. Team: the demo moderator leads.
    page.wait_for_url(f"**/organise/{slug}/team")
    page.get_by_role("combobox", name="Compte de l’équipe").click()
    page.get_by_role("option", name=re.compile(r"^Karim Benali")).click()
    page.get_by_role("combobox", name="Rôle", exact=True).click()
    page.get_by_role("option", name="Animateur·rice principal·e").click()
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_text("moderateur@atelier.example")).to_be_visible()
    expect(page.get_by_role("combobox", name="Rôle pour Karim Benali", exact=True)).to_match_aria_snapshot(
        '- combobox "Rôle pour Karim Benali": Animateur·rice principal·e')  # whose role, and which
    expect(nav.get_by_role("link", name="7 Équipe complet")).to_be_visible()
    page.get_by_role("button", name="Suivant : Relire et publier").click()

    # 8. Review and publish.
    page.wait_for_url(f"**/organise/{slug}/review")
    review = page.get_by_role("region", name="Relire et publier")
    expect(review.get_by_text("Prêt à publier.")).to_be_visible()
    expect(review.get_by_role("listitem")).to_contain_text([
        "Accueil", "Présentation du projet", "Questions et échanges en plénière", "Discussion en sous-groupes",
        f"{vote} · 20 min", "Conclusion",
    ])
    expect(review.get_by_text("Karim Benali · Animateur·rice principal·e")).to_be_visible()
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(review.get_by_text("Cet atelier est publié.")).to_be_visible()
    expect(page.get_by_text("Publié : la page publique est ouverte.")).to_be_visible()

    # An anonymous visitor in Montreal opens the public page.
    visitor = contexts.new_page(timezone_id=VISITOR_ZONE)
    visitor.goto(f"/w/{slug}")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(title)
    expect(visitor.get_by_text(description)).to_be_visible()
    starts = datetime.combine(day, time(19, 0), ZoneInfo(ORGANISER_ZONE)).astimezone(ZoneInfo(VISITOR_ZONE_REPORTED))
    agenda = visitor.get_by_role("article").get_by_role("listitem")
    expect(agenda).to_have_count(6)
    expect(agenda).to_contain_text([  # each step's start, in the visitor's zone like the session times
        f"{starts + timedelta(minutes=offset):%H:%M}" for offset in (0, 10, 25, 45, 70, 90)
    ])
    expect(agenda.nth(4)).to_contain_text(f"{vote}20 min")
    ends = starts + timedelta(hours=2)
    session = visitor.get_by_role("complementary").get_by_role("listitem").first
    expect(session).to_contain_text(f"{long_date(starts.date())}, {starts:%H:%M}–{ends:%H:%M}")
    expect(session).to_contain_text(f"({VISITOR_ZONE_REPORTED})")
    expect(session).to_contain_text(f"Soit 19:00 là où l’atelier est organisé ({ORGANISER_ZONE}).")
    assert not contexts.page_errors, f"JavaScript errors: {contexts.page_errors}"


# ------------------------------------------------------------------ saving as you type


def test_nothing_typed_is_lost_on_reload(organiser_page: Page, new_draft: Callable[[str], str]) -> None:
    new_draft("Atelier qui n’oublie rien")
    description = organiser_page.get_by_role("textbox", name="Description publique")
    text = "Une première ligne tapée à la main.\nEt une seconde, pour les retours à la ligne."
    description.click()
    description.press_sequentially(text, delay=15)
    # The field sends its value after a pause in typing (without leaving it): another tab shows when it is saved.
    other_tab = organiser_page.context.new_page()
    deadline = time_now() + GUARD_SECONDS
    while True:
        other_tab.goto(organiser_page.url)
        if other_tab.get_by_role("textbox", name="Description publique").input_value() == text:
            break
        assert time_now() < deadline, "what was typed never reached the server"
    other_tab.close()
    organiser_page.reload()
    expect(organiser_page.get_by_role("textbox", name="Description publique")).to_have_value(text)


# ------------------------------------------------------------------ validation beside the field


def test_validation_messages_appear_beside_their_field(organiser_page: Page, new_draft: Callable[[str], str]) -> None:
    page = organiser_page
    slug = new_draft("Atelier à valider")

    page.goto(f"/organise/{slug}/when")
    length = page.get_by_role("spinbutton", name=LENGTH_LABEL)
    expect(length).to_have_value("90")
    length.fill("0")
    expect(field_of(length).get_by_role("alert")).to_have_text(LENGTH_OUT_OF_RANGE)
    expect(page.get_by_role("status").filter(has_text=NOT_SAVED)).to_be_visible()
    length.fill("75")  # corrected: the message goes, and everything is saved again
    expect(field_of(length).get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text=ALL_SAVED)).to_be_visible()

    page.goto(f"/organise/{slug}/review")
    address = page.get_by_role("textbox", name="Adresse publique")
    expect(address).to_have_value(slug)
    change = page.get_by_role("button", name="Changer l’adresse")
    for typed, message in (
        ("Pas valide !", "Utilisez de 3 à 60 lettres minuscules, chiffres et tirets, en commençant et finissant "
                         "par une lettre ou un chiffre."),
        ("demo", "Un autre atelier utilise déjà cette adresse."),
    ):
        address.fill(typed)
        change.click()
        # A list: while one message replaces another, Quasar shows both for the length of its transition.
        expect(field_of(address).get_by_role("alert")).to_have_text([message])
    expect(page).to_have_url(re.compile(f"/organise/{slug}/review$"))  # nothing was renamed


def test_an_invalid_length_is_not_replaced_when_leaving_the_field(
        organiser_page: Page, new_draft: Callable[[str], str]) -> None:
    page = organiser_page
    slug = new_draft("Atelier à durée invalide")
    page.goto(f"/organise/{slug}/when")
    length = page.get_by_role("spinbutton", name=LENGTH_LABEL)
    expect(length).to_have_value("90")
    length.fill("0")
    expect(field_of(length).get_by_role("alert")).to_have_text(LENGTH_OUT_OF_RANGE)
    length.press("Tab")
    # Something done after leaving the field, and seen done: the server has handled the leaving by then.
    sessions = page.get_by_role("heading", name=re.compile(r"^Session \d+$"))
    before = sessions.count()
    page.get_by_role("button", name="Ajouter une session").click()
    expect(sessions).to_have_count(before + 1)
    page.reload()
    assert page.get_by_role("spinbutton", name=LENGTH_LABEL).input_value() == "90", (
        "typing 0 and leaving the field saved another length instead of keeping the last valid one")


# ------------------------------------------------------------------ accessibility

@pytest.mark.parametrize("path", ["/", "/w/demo", "/signin"])
def test_public_pages_are_accessible(page: Page, path: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page, path)


@pytest.mark.parametrize("path", ["/organise", *(f"/organise/demo/{part}" for part in PARTS)])
def test_organiser_pages_are_accessible(organiser_page: Page, path: str) -> None:
    organiser_page.goto(path)
    expect(organiser_page.get_by_role("heading", level=1)).to_be_visible()
    if path != "/organise":
        expect(organiser_page.get_by_role("heading", level=2).first).to_be_visible()
    check_accessibility(organiser_page, path)


def focused(page: Page) -> dict[str, str]:
    return page.evaluate("""() => {
        const element = document.activeElement;
        return {tag: element.tagName.toLowerCase(), href: element.getAttribute('href') || '',
                text: (element.innerText || element.getAttribute('aria-label') || '').replace(/\\s+/g, ' ').trim()};
    }""")


def test_the_wizard_can_be_operated_from_the_keyboard(organiser_page: Page) -> None:
    page = organiser_page
    page.goto("/organise/demo/purpose")
    expect(page.get_by_role("heading", name="Objectif", level=2)).to_be_visible()
    visited: list[dict[str, str]] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        visited.append(focused(page))
        if visited[-1]["tag"] == "button" and "Suivant : Date et heure" in visited[-1]["text"]:
            break
    else:
        pytest.fail("Tab never reached the “Suivant : Date et heure” button; focus went through:\n"
                    + "\n".join(f"  {stop}" for stop in visited))
    reached = {stop["href"] for stop in visited if stop["tag"] == "a"}
    missing = [part for part in PARTS if f"/organise/demo/{part}" not in reached]
    assert not missing, f"Tab skipped the wizard links to {missing}; focus went through {visited}"
    page.keyboard.press("Enter")
    page.wait_for_url("**/organise/demo/when")
    expect(page.get_by_role("heading", name="Date et heure", level=2)).to_be_visible()


def test_the_skip_link_is_the_first_tab_stop(page: Page) -> None:
    page.goto("/w/demo")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Aller au contenu principal"


# ------------------------------------------------------------------ who may prepare workshops


def test_only_organisers_reach_the_workshops(contexts: Contexts, base_url: str) -> None:
    moderator = contexts.new_page()
    sign_in(moderator, MODERATOR, landing=re.compile(r"/moderate"))
    response = moderator.goto("/organise")
    assert response is not None and response.status == 403
    expect(moderator.get_by_role("heading", level=1)).to_have_text("Cette page n’est pas destinée à votre rôle")
    expect(moderator.get_by_role("button", name="Nouvel atelier")).to_have_count(0)

    stranger = contexts.new_page()
    stranger.goto("/organise")
    expect(stranger).to_have_url(f"{base_url}/signin?next=%2Forganise")
    expect(stranger.get_by_role("heading", name="Connexion de l’équipe")).to_be_visible()
    # Signing in there leads back to the page asked for.
    stranger.get_by_label("Adresse e-mail").fill(ORGANISER)
    stranger.get_by_label("Mot de passe", exact=True).fill("atelier-demo")
    stranger.get_by_role("button", name="Se connecter").click()
    stranger.wait_for_url(f"{base_url}/organise")
    expect(stranger.get_by_role("heading", name="Ateliers", level=1)).to_be_visible()
