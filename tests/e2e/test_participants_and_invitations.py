"""An organiser prepares who comes and invites them in the browser: the participants part's questions and what it
refuses, beside the field; then a pasted list and a CSV file checked before anything is sent, the invitation's
text edited and previewed, sending with its progress, then what was sent and what was not."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Contexts, check_accessibility

pytestmark = pytest.mark.e2e

ALL_SAVED = "Toutes les modifications sont enregistrées"


def wizard_nav(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("navigation", name="Parties de la préparation")


def publish_a_draft(page: Page, new_draft: Callable[[str], str], title: str) -> str:
    """A draft with what publishing needs (a description, a session, a breakout room), published."""
    slug = new_draft(title)
    page.get_by_role("textbox", name="Description publique").fill("Où faut-il des pistes cyclables dans le centre ?")
    expect(wizard_nav(page).get_by_role("link", name="1 Objectif 2 conseils")).to_be_visible()
    page.goto(f"/organise/{slug}/when")
    page.get_by_role("button", name="Ajouter une session").click()
    expect(page.get_by_role("heading", name="Session 1")).to_be_visible()
    page.goto(f"/organise/{slug}/rooms")
    page.get_by_role("button", name="Ajouter une salle de sous-groupe").click()
    expect(page.get_by_role("heading", name="Salle de sous-groupe 1")).to_be_visible()
    page.goto(f"/organise/{slug}/review")
    page.get_by_role("button", name="Publier", exact=True).click()
    expect(page.get_by_text("Cet atelier est publié.")).to_be_visible()
    return slug


def field_of(control):  # type: ignore[no-untyped-def]
    """The whole Quasar field (label, control, hint and messages) around an input."""
    return control.page.locator("label.q-field").filter(has=control)


def test_the_participants_part_asks_questions_and_says_what_it_refuses_beside_the_field(
        organiser_page: Page, new_draft: Callable[[str], str]) -> None:
    page = organiser_page
    slug = new_draft("Atelier des questions")
    page.goto(f"/organise/{slug}/participants")
    expect(page.get_by_role("heading", name="Participant·es", level=2)).to_be_visible()

    days = page.get_by_role("spinbutton", name="Durée de conservation des données personnelles, en jours")
    days.fill("3")
    expect(field_of(days).get_by_role("alert")).to_have_text("Indiquez un nombre entre 7 et 1\u202f095.")
    days.fill("90")
    expect(field_of(days).get_by_role("alert")).to_have_count(0)

    # A new question takes the focus; what it lacks is said beside it.
    page.get_by_role("button", name="Ajouter une question à choix").click()
    text = page.get_by_role("textbox", name="Texte de la question 1")
    expect(text).to_be_focused()
    expect(page.get_by_text("Proposez au moins deux choix, un par ligne.")).to_be_visible()
    text.fill("Comment venez-vous au centre-ville ?")
    choices = page.get_by_role("textbox", name="Choix de la question 1, un par ligne")
    choices.fill("À vélo\nÀ pied\nà vélo")
    expect(field_of(choices).get_by_role("alert")).to_have_text(
        "« à vélo » apparaît deux fois : gardez chaque choix une seule fois.")
    choices.fill("À vélo\nÀ pied\nEn bus")
    expect(field_of(choices).get_by_role("alert")).to_have_count(0)
    expect(page.get_by_text("Proposez au moins deux choix, un par ligne.")).to_have_count(0)
    page.get_by_role("button", name="Demander quelles salles les intéressent").click()
    expect(page.get_by_role("textbox", name="Texte de la question 2")).to_have_value(
        "Quelles salles vous intéressent le plus ?")
    page.get_by_role("button", name="Ajouter une question au questionnaire").click()
    expect(page.get_by_role("textbox", name="Question 1 du questionnaire")).to_be_focused()
    page.get_by_role("switch", name="Un rappel une heure avant").click()
    expect(page.get_by_role("status").filter(has_text=ALL_SAVED)).to_be_visible()
    check_accessibility(page, f"/organise/{slug}/participants (with questions)")

    # Moved up, the rooms question keeps the focus on its button; removed, the focus goes to the next question.
    page.get_by_role("button", name="Monter la question 2").click()
    expect(page.get_by_role("textbox", name="Texte de la question 1")).to_have_value(
        "Quelles salles vous intéressent le plus ?")
    expect(page.get_by_role("button", name="Descendre la question 1")).to_be_focused()
    page.get_by_role("button", name="Retirer la question 1", exact=True).click()
    page.get_by_role("dialog").get_by_role("button", name="Retirer").click()
    expect(page.get_by_role("textbox", name="Texte de la question 1")).to_have_value(
        "Comment venez-vous au centre-ville ?")
    expect(page.get_by_role("textbox", name="Texte de la question 1")).to_be_focused()

    page.reload()  # everything was saved
    expect(page.get_by_role("textbox", name="Choix de la question 1, un par ligne")).to_have_value(
        "À vélo\nÀ pied\nEn bus")
    expect(page.get_by_role("switch", name="Un rappel une heure avant")).not_to_be_checked()
    expect(page.get_by_role("spinbutton", name="Durée de conservation des données personnelles, en jours")
           ).to_have_value("90")


def rows(page: Page, heading: str):  # type: ignore[no-untyped-def]
    """The body rows of the table that follows this heading."""
    return page.get_by_role("heading", name=heading).locator("xpath=following-sibling::div[1]//tbody/tr")


def test_an_organiser_checks_previews_and_sends_invitations(
        organiser_page: Page, new_draft: Callable[[str], str], contexts: Contexts, tmp_path: Path) -> None:
    page = organiser_page
    slug = publish_a_draft(page, new_draft, "Le vélo au centre-ville")
    page.goto(f"/organise/{slug}/invitations")
    expect(page.get_by_role("heading", name="Invitations", level=2)).to_be_visible()

    # A pasted list: what cannot be sent is listed with its reason before anything goes.
    page.get_by_role("textbox", name="Adresses e-mail").fill(
        "Marie Dupont <marie@ville.example>\n"
        "pas-une-adresse@\n"
        "MARIE@ville.example\n"
        "jean@ville.example, Jean Martin\n"
        "Zoé <b>Roux</b> <zoe@ville.example>\n")
    page.get_by_role("button", name="Vérifier la liste").click()
    expect(page.get_by_text("3 personnes prêtes à être invitées · 2 lignes à corriger · 0 déjà invité·e ou "
                            "inscrit·e")).to_be_visible()
    problems = rows(page, "À corriger : ces lignes ne seront pas envoyées")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("pas-une-adresse@Rien ne suit le @.")
    expect(problems.nth(1)).to_contain_text("En double : déjà à la ligne 1.")
    ready = rows(page, "Prêt·es à être invité·es")
    expect(ready).to_have_count(3)
    expect(ready.nth(2)).to_contain_text("Zoé <b>Roux</b>")  # a name with markup stays text
    check_accessibility(page, f"/organise/{slug}/invitations (a list checked)")

    # The text edited; the preview shows it as one invitee will receive it.
    message = page.get_by_role("textbox", name="Message")
    expect(message).to_have_value(re.compile("« Le vélo au centre-ville »"))  # suggested, from the wizard
    message.fill("Venez dire où il faut des pistes cyclables.\n\nVotre avis compte.")
    preview = page.get_by_role("article", name="Aperçu de l’invitation")
    expect(preview).to_contain_text("Venez dire où il faut des pistes cyclables.")
    expect(preview).to_contain_text("Bonjour Marie Dupont,")
    expect(preview).to_contain_text("Il vous faudra un ordinateur")
    expect(preview).to_contain_text(re.compile(r"/r/[A-Za-z0-9_-]{22}"))
    page.get_by_role("combobox", name="Telle que reçue par").click()
    page.get_by_role("option", name="Jean Martin <jean@ville.example>").click()
    expect(preview).to_contain_text("Bonjour Jean Martin,")
    expect(page.get_by_role("status").filter(has_text=ALL_SAVED)).to_be_visible()

    # A CSV file from a spreadsheet, in Windows-1252 with semicolons, many people and one broken line.
    lines = ["Prénom;Nom;Courriel", *(f"Élodie{n};Lefèvre;elodie.{n}@ville.example" for n in range(1, 121)),
             "\"Jean;jean.bis@ville.example"]
    csv_file = tmp_path / "invites.csv"
    csv_file.write_bytes("\r\n".join(lines).encode("cp1252"))
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choisir un fichier CSV").click()
    chooser.value.set_files(str(csv_file))
    expect(page.get_by_text("invites.csv : lu en Windows-1252, cellules séparées par des points-virgules.")
           ).to_be_visible()
    expect(page.get_by_text("120 personnes prêtes à être invitées · 1 ligne à corriger")).to_be_visible()
    expect(rows(page, "À corriger : ces lignes ne seront pas envoyées").first).to_contain_text(
        "122\"Jean;jean.bis@ville.exampleCette ligne ne peut pas être lue : un guillemet n’est pas fermé.")

    # Sending shows its progress, then what went.
    page.evaluate("""() => {  // every value the counter takes, as the browser shows it
        window.progressSeen = [];
        new MutationObserver(() => {
            const counter = [...document.querySelectorAll('[role=status]')].map(e => e.innerText)
                .find(text => / sur \\d+$/.test(text));
            if (counter && window.progressSeen.at(-1) !== counter) window.progressSeen.push(counter);
        }).observe(document.body, {subtree: true, childList: true, characterData: true});
    }""")
    page.get_by_role("button", name="Envoyer 120 invitations").click()
    page.get_by_role("dialog").get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_text("120 invitations sont dans les messages sortants, en route.")).to_be_visible()
    expect(page.get_by_text("120 sur 120")).to_be_visible()
    seen = [int(text.split(" sur ")[0]) for text in page.evaluate("window.progressSeen")]
    assert seen and seen == sorted(seen) and seen[-1] == 120, seen
    outbox = page.get_by_role("link", name="Suivre leur envoi sur la page des messages sortants")
    expect(outbox).to_have_attribute("href", "/organise/outbox")
    expect(outbox).to_be_focused()

    # The pasted list again, from a second tab that checked it before the first one sent: the tab that sends
    # second is told which failed and why; nobody is invited twice.
    page.get_by_role("button", name="Vérifier la liste").click()
    expect(page.get_by_text("3 personnes prêtes à être invitées")).to_be_visible()
    other = contexts.new_page(storage_state=page.context.storage_state())
    other.goto(f"/organise/{slug}/invitations")
    expect(other.get_by_role("textbox", name="Adresses e-mail")).to_have_value(re.compile("marie@ville.example"))
    other.get_by_role("button", name="Vérifier la liste").click()
    expect(other.get_by_text("3 personnes prêtes à être invitées")).to_be_visible()
    page.get_by_role("button", name="Envoyer 3 invitations").click()
    page.get_by_role("dialog").get_by_role("button", name="Envoyer", exact=True).click()
    expect(page.get_by_text("3 invitations sont dans les messages sortants, en route.")).to_be_visible()
    other.get_by_role("button", name="Envoyer 3 invitations").click()
    other.get_by_role("dialog").get_by_role("button", name="Envoyer", exact=True).click()
    expect(other.get_by_text("3 invitations ne sont pas parties :")).to_be_visible()
    expect(other.get_by_text("Invité·e ou inscrit·e entre-temps : vérifiez à nouveau la liste.")).to_have_count(3)

    # Checked again, they are listed as invited, with the invitation to send again.
    other.get_by_role("button", name="Vérifier la liste").click()
    expect(other.get_by_text("0 personne prête à être invitée · 2 lignes à corriger · 3 déjà invité·es ou "
                             "inscrit·es")).to_be_visible()
    again = other.get_by_role("button", name="Renvoyer l’invitation à Marie Dupont <marie@ville.example>")
    again.click()
    expect(rows(other, "Déjà invité·es ou inscrit·es").first).to_contain_text("Renvoyée")
    expect(other.get_by_role("button", name="Renvoyer l’invitation à Jean Martin <jean@ville.example>")
           ).to_be_focused()  # the next one, for the keyboard
    check_accessibility(other, f"/organise/{slug}/invitations (after sending)")
    assert not contexts.page_errors, f"JavaScript errors: {contexts.page_errors}"
