"""The preparation wizard through NiceGUI's simulated user: every part, validation, drafts kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui
from nicegui.testing.user import User
from nicegui.testing.user_interaction import UserInteraction

from domain import accounts, workshops
from domain.models import Room, RoomKind, StaffRole, Step, TeamMember, TeamRole, Workshop, WorkshopSession
from tests.conftest import PASSWORD
from tests.ui.conftest import see
from tests.waiting import until


async def create_draft(user: User, title: str) -> Workshop:
    await user.open("/organise/new")
    user.find("Titre provisoire").clear().type(title)
    user.find("Créer le brouillon").click()
    await see(user, "Description publique")
    return await Workshop.get(title=title)


async def stored(workshop: Workshop) -> Workshop:
    return await Workshop.get(id=workshop.id)


def menu_item(user: User, text: str) -> UserInteraction:
    """A menu entry by its text: `user.find(text)` would return the entry's label, which has no click handler."""
    items = [item for item in user.find(ui.menu_item).elements
             if any(text == getattr(part, "text", None) for part in item.descendants())]
    return UserInteraction(user, set(items), text)


def saved(workshop: Workshop, **expected: object) -> Callable[[], Awaitable[bool]]:
    """A condition for `until`: the workshop's record holds these values."""
    async def check() -> bool:
        record = await stored(workshop)
        return all(getattr(record, name) == value for name, value in expected.items())
    return check


async def test_the_whole_wizard_prepares_a_publishable_workshop(organiser_user: User) -> None:
    user = organiser_user
    moderator = await accounts.create_staff("karim@ville.example", "Karim Benali", StaffRole.MODERATOR, PASSWORD)
    workshop = await create_draft(user, "Budget participatif 2027")
    assert workshop.slug == "budget-participatif-2027" and workshop.time_zone == "Europe/Paris"

    # 1. Purpose
    user.find("Description publique").type("Choisissons ensemble les projets financés par la ville.")
    user.find("Objectifs").type("Six projets classés.")
    user.find("Recueil d’idées : les participant·es apportent des idées et des suggestions").click()
    await until(saved(workshop, description="Choisissons ensemble les projets financés par la ville.",
                      objectives="Six projets classés.", interactivity="collecting_ideas"))
    await see(user, "Toutes les modifications sont enregistrées")

    # 2. When: a session exists once added; its length can change
    user.find("Suivant : Date et heure").click()
    await see(user, "Sessions")
    await see(user, "Indiquez la date et l’heure d’au moins une session.")
    user.find("Ajouter une session").click()
    await see(user, "Session 1")
    assert await WorkshopSession.filter(workshop=workshop).count() == 1
    user.find("Durée d’une session, en minutes").clear().type("120")
    await see(user, "Au-delà de 90 minutes, envisagez de répartir le travail sur plusieurs sessions")

    # 3. Agenda: the suggested agenda is there; add a vote from the templates
    user.find("Suivant : Ordre du jour").click()
    await see(user, "Discussion en sous-groupes")
    menu_item(user, "Vote · 10 min").click()
    await see(user, "Vote sur les priorités")
    assert [step.title for step in await Step.filter(workshop=workshop).order_by("position")][-1] == \
        "Vote sur les priorités"

    # 4. Rooms: the breakout step needs rooms; the suggestion creates them
    user.find("Suivant : Accueil et clôture").click()
    await see(user, "Question d’accueil")
    user.find("Lien vers le questionnaire de satisfaction").type("https://questionnaire.ville.example/b")
    await until(saved(workshop, feedback_url="https://questionnaire.ville.example/b"))
    user.find("Suivant : Salles").click()
    await see(user, "L’ordre du jour comprend une étape en sous-groupes")
    user.find("Participant·es attendu·es par session").type("24")
    await see(user, "Suggestion pour 24 participant·es : 3 à 4 sous-groupes.")
    user.find("Créer 4 salles").click()
    await see(user, "Salle 4")
    assert await Room.filter(workshop=workshop, kind=RoomKind.BREAKOUT).count() == 4

    # 5. Participants: who should come, and how they register
    user.find("Suivant : Participant·es").click()
    await see(user, "Qui doit venir, et pourquoi")
    user.find("Qui exactement, et pourquoi ces personnes ?").type("Les familles du quartier")
    user.find("Formulaire public : les personnes s’inscrivent sur la page publique et confirment leur adresse par "
              "e-mail ; une liste d’attente prend le relais quand une session est complète").click()
    await until(saved(workshop, audience_details="Les familles du quartier", registration_mode="public_form"))

    # 6. Team
    user.find("Suivant : Équipe").click()
    await see(user, "Ajouter quelqu’un à l’équipe")
    user.find("Compte de l’équipe").click()
    user.find("Karim Benali · karim@ville.example").click()
    user.find("Rôle").click()
    user.find("Animateur·rice principal·e").click()
    user.find(kind=ui.button, content="Ajouter").click()
    await until(TeamMember.filter(workshop=workshop).exists)
    member = await TeamMember.get(workshop=workshop)
    assert (member.account_id, member.role) == (moderator.id, TeamRole.LEAD_MODERATOR)

    # 7. Review and publish
    user.find("Suivant : Relire et publier").click()
    await see(user, "Prêt à publier.")
    user.find("Publier").click()
    await see(user, "Cet atelier est publié.")
    assert (await stored(workshop)).published_at is not None

    await user.open(f"/w/{workshop.slug}")
    await see(user, "Choisissons ensemble les projets financés par la ville.")
    await see(user, "Vote sur les priorités")


async def test_values_that_cannot_be_saved_get_a_message_beside_the_field(organiser_user: User) -> None:
    user = organiser_user
    workshop = await create_draft(user, "Budget participatif")
    await user.open(f"/organise/{workshop.slug}/when")
    user.find("Durée d’une session, en minutes").clear().type("0")
    await see(user, "Indiquez un nombre entre 15 et 480.")
    await see(user, "Non enregistré : voyez le message à côté du champ")
    assert (await stored(workshop)).duration_minutes == 90

    await user.open(f"/organise/{workshop.slug}/review")
    user.find("Adresse publique").clear().type("Pas une adresse")
    user.find("Changer l’adresse").click()
    await see(user, "Utilisez de 3 à 60 lettres minuscules")
    await see(user, "Décrivez l’atelier pour le public")  # nothing published while something blocks
    publish = next(iter(user.find("Publier").elements))
    assert isinstance(publish, ui.button) and not publish.enabled


async def test_a_reload_keeps_what_was_typed(organiser_user: User) -> None:
    user = organiser_user
    await user.open("/organise/new")
    user.find("Titre provisoire").type("Plan vélo")
    await user.open("/organise/new")  # the working title survives a reload before the draft exists
    field = next(iter(user.find("Titre provisoire").elements))
    assert field.value == "Plan vélo"

    workshop = await create_draft(user, "Plan vélo du centre")
    user.find("Facteurs de succès").type("Des cyclistes et des commerçant·es présent·es")
    await until(saved(workshop, success_factors="Des cyclistes et des commerçant·es présent·es"))
    await user.open(f"/organise/{workshop.slug}/purpose")
    field = next(iter(user.find("Facteurs de succès").elements))
    assert field.value == "Des cyclistes et des commerçant·es présent·es"


async def test_duplicate_and_archive_from_the_dashboard(organiser_user: User) -> None:
    user = organiser_user
    workshop = await workshops.create_workshop(title="Plan vélo", created_by=None)
    await user.open("/organise")
    await see(user, "Plan vélo")
    user.find("Dupliquer").click()
    await see(user, "Copie de Plan vélo")
    await user.open("/organise")
    user.find(marker=None, content="Archiver").click()
    await see(user, "est archivé")
    assert await Workshop.filter(archived_at__isnull=False).count() == 1
    await user.open("/organise?archived=true")
    await see(user, "Restaurer")
    assert workshop.id in {w.id for w in await Workshop.all()}
