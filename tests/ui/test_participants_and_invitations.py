"""The participants and invitations parts of the wizard through NiceGUI's simulated user: what is refused is said
beside its field, a list is checked before anything is sent, the preview follows the text, sending reports."""

from __future__ import annotations

from datetime import date, time

from nicegui import ui
from nicegui.testing.user import User
from nicegui.testing.user_interaction import UserInteraction

from domain import workshops
from domain.clock import SystemClock
from domain.models import MessageKind, OutboxMessage, Registration, RegistrationStatus, Workshop
from domain.questions import QuestionKind, questions_of
from tests.ui.conftest import see
from tests.waiting import until


async def stored(workshop: Workshop) -> Workshop:
    return await Workshop.get(id=workshop.id)


def field(user: User, label: str) -> ui.element:
    return next(iter(user.find(label).elements))


async def error_beside(user: User, label: str, message: str | None) -> None:
    """Wait for the field's own message (Quasar shows it under the field, with role="alert")."""
    await until(lambda: getattr(field(user, label), "error", None) == message,
                message=lambda: f"{label!r} shows {getattr(field(user, label), 'error', None)!r}, not {message!r}")


async def published_workshop() -> Workshop:
    workshop = await workshops.create_workshop(title="Plan vélo du centre", created_by=None)
    await workshops.update_workshop(workshop, "description", "Où faut-il des pistes cyclables ?")
    await workshops.add_session(workshop, date.today().replace(year=date.today().year + 1), time(18, 30))
    await workshops.add_breakout_room(workshop, "Centre-ville")
    await workshops.publish(workshop, SystemClock())
    return workshop


def confirm_button(user: User, text: str) -> UserInteraction:
    """The button of the open confirmation dialog (the page may have another with the same words)."""
    dialog = next(element for element in user.find(ui.dialog).elements if isinstance(element, ui.dialog))
    buttons = [element for element in dialog.descendants()
               if isinstance(element, ui.button) and element.text == text]
    return UserInteraction(user, set(buttons), text)


# ---------------------------------------------------------------- participants

async def test_the_participants_part_saves_each_setting_and_says_what_is_refused(organiser_user: User) -> None:
    user = organiser_user
    workshop = await workshops.create_workshop(title="Plan vélo", created_by=None)
    await user.open(f"/organise/{workshop.slug}/participants")
    await see(user, "Qui doit venir, et pourquoi")
    await see(user, "Dites qui vous voulez toucher et pourquoi : l’invitation dit à chaque personne pourquoi elle "
                    "est invitée.")

    days = "Durée de conservation des données personnelles, en jours"
    user.find(days).clear().type("3")
    await error_beside(user, days, "Indiquez un nombre entre 7 et 1\u202f095.")
    await see(user, "Non enregistré : voyez le message à côté du champ")
    assert (await stored(workshop)).personal_data_kept_days == 180
    user.find(days).clear().type("90")
    await error_beside(user, days, None)
    await until(lambda: _kept(workshop, 90))

    # A multiple-choice question: what it lacks is said beside it, a repeated choice refused beside the choices.
    user.find("Ajouter une question à choix").click()
    await see(user, "Question 1")
    await see(user, "Écrivez la question.")
    await see(user, "Proposez au moins deux choix, un par ligne.")
    user.find("Texte de la question 1").type("Comment venez-vous ?")
    choices = "Choix de la question 1, un par ligne"
    user.find(choices).type("À vélo\nà vélo")
    await error_beside(user, choices, "« à vélo » apparaît deux fois : gardez chaque choix une seule fois.")
    user.find(choices).clear().type("À vélo\nÀ pied")
    await error_beside(user, choices, None)
    await until(lambda: _questions(workshop, [("Comment venez-vous ?", ("À vélo", "À pied"))]))

    # The rooms question comes worded, and offers the breakout rooms.
    user.find("Demander quelles salles les intéressent").click()
    await see(user, "Question 2")
    await see(user, "Il n’y a pas encore de salle de sous-groupe : cette question n’a rien à proposer.")
    assert [question.kind for question in questions_of(await stored(workshop))] == [QuestionKind.CHOICE,
                                                                                     QuestionKind.ROOMS]

    # Reminders: the hour before switched off, another one refused beside its field, then kept.
    user.find("Un rappel une heure avant").click()
    await until(lambda: _reminders(workshop, [24]))
    other = "Un autre rappel, en heures avant (facultatif)"
    user.find(other).type("0")
    await error_beside(user, other, "Indiquez un nombre entre 1 et 336.")
    user.find(other).clear().type("72")
    await until(lambda: _reminders(workshop, [72, 24]))

    # The survey: an open question of the organiser's own.
    user.find("Ajouter une question au questionnaire").click()
    await see(user, "Écrivez la question, ou retirez-la.")
    user.find("Question 1 du questionnaire").type("Qu’avez-vous appris ?")
    await until(lambda: _feedback(workshop, ["Qu’avez-vous appris ?"]))


async def _kept(workshop: Workshop, days: int) -> bool:
    return (await stored(workshop)).personal_data_kept_days == days


async def _questions(workshop: Workshop, expected: list[tuple[str, tuple[str, ...]]]) -> bool:
    return [(question.text, question.choices) for question in questions_of(await stored(workshop))] == expected


async def _reminders(workshop: Workshop, expected: list[int]) -> bool:
    return (await stored(workshop)).reminder_hours_before == expected


async def _feedback(workshop: Workshop, expected: list[str]) -> bool:
    return (await stored(workshop)).feedback_questions == expected


# ---------------------------------------------------------------- invitations

async def test_invitees_are_checked_previewed_and_sent(organiser_user: User) -> None:
    user = organiser_user
    workshop = await published_workshop()
    await user.open(f"/organise/{workshop.slug}/invitations")
    await see(user, "Invitation : Plan vélo du centre")
    await see(user, "Bonjour Camille Martin,")  # the preview, before any list

    user.find("Adresses e-mail").type("Marie Dupont <marie@ville.fr>\nmarie@\nMARIE@ville.fr\njean@ville.fr, Jean\n"
                                      "pas d’adresse ici\n")
    user.find("Vérifier la liste").click()
    await see(user, "2 personnes prêtes à être invitées · 3 lignes à corriger · 0 déjà invité·e ou inscrit·e")
    await see(user, "Rien ne suit le @.")
    await see(user, "En double : déjà à la ligne 1.")
    await see(user, "Aucune adresse e-mail sur cette ligne.")
    await see(user, "Bonjour Marie Dupont,")
    assert not await Registration.exists()

    # The subject edited: the preview shows it at once.
    user.find(kind=ui.input, content="Objet").clear().type("Le vélo en ville : venez en parler")
    await see(user, "Le vélo en ville : venez en parler", kind=ui.element)
    await until(lambda: _subject(workshop, "Le vélo en ville : venez en parler"))

    user.find("Envoyer 2 invitations").click()
    await see(user, "Envoyer 2 invitations maintenant ?")
    confirm_button(user, "Envoyer").click()
    await see(user, "2 invitations sont dans les messages sortants, en route.")
    await see(user, "Suivre leur envoi sur la page des messages sortants")
    registrations = await Registration.filter(workshop=workshop).order_by("email")
    assert [(r.email, r.display_name, r.status) for r in registrations] == [
        ("jean@ville.fr", "Jean", RegistrationStatus.INVITED), ("marie@ville.fr", "Marie Dupont",
                                                                RegistrationStatus.INVITED)]
    messages = await OutboxMessage.filter(kind=MessageKind.INVITATION)
    assert {message.facts["subject"] for message in messages} == {"Le vélo en ville : venez en parler"}

    # The same people again: nobody is invited twice, the invitation can be sent again.
    user.find("Adresses e-mail").clear().type("marie@ville.fr\n")
    user.find("Vérifier la liste").click()
    await see(user, "0 personne prête à être invitée · 0 ligne à corriger · 1 déjà invité·e ou inscrit·e")
    await see(user, "Invité·e, pas encore de réponse")
    user.find("Renvoyer l’invitation").click()
    await see(user, "Renvoyée")
    assert await OutboxMessage.filter(to_address="marie@ville.fr").count() == 2
    assert await Registration.filter(workshop=workshop).count() == 2


async def _subject(workshop: Workshop, subject: str) -> bool:
    return (await stored(workshop)).invitation_subject == subject


async def test_a_csv_file_is_read_with_its_encoding_and_broken_lines(organiser_user: User) -> None:
    user = organiser_user
    workshop = await published_workshop()
    await user.open(f"/organise/{workshop.slug}/invitations")
    await see(user, "Qui inviter")
    upload = next(element for element in user.find(ui.upload).elements if isinstance(element, ui.upload))
    data = "Prénom;Nom;Courriel\nÉlodie;Lefèvre;elodie@ville.fr\n\"Jean;jean@ville.fr\n".encode("cp1252")
    await upload.handle_uploads([ui.upload.SmallFileUpload("invites.csv", "text/csv", data)])
    await see(user, "invites.csv : lu en Windows-1252, cellules séparées par des points-virgules.")
    await see(user, "1 personne prête à être invitée · 1 ligne à corriger · 0 déjà invité·e ou inscrit·e")
    await see(user, "Cette ligne ne peut pas être lue : un guillemet n’est pas fermé.")
    await see(user, "Élodie Lefèvre")

    await upload.handle_uploads([ui.upload.SmallFileUpload("classeur.xlsx", "application/zip", b"PK\x03\x04...")])
    await see(user, "Ce n’est pas un fichier CSV. Dans votre tableur, enregistrez d’abord la liste au format CSV.")


async def test_nothing_is_sent_before_the_workshop_is_published(organiser_user: User) -> None:
    user = organiser_user
    workshop = await workshops.create_workshop(title="Plan vélo", created_by=None)
    await user.open(f"/organise/{workshop.slug}/invitations")
    await see(user, "Publiez d’abord l’atelier : l’invitation y mène.")
    user.find("Adresses e-mail").type("marie@ville.fr\n")
    user.find("Vérifier la liste").click()
    await see(user, "1 personne prête à être invitée · 0 ligne à corriger · 0 déjà invité·e ou inscrit·e")
    await user.should_not_see("Envoyer 1 invitation")
