"""The preparation wizard through NiceGUI's simulated user: every part, validation, drafts kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui import ui
from nicegui.testing.user import User
from nicegui.testing.user_interaction import UserInteraction

from domain import accounts, workshops
from domain.models import Room, RoomKind, StaffRole, Step, TeamMember, TeamRole, Workshop, WorkshopSession
from tests.conftest import PASSWORD
from tests.ui.conftest import until


async def create_draft(user: User, title: str) -> Workshop:
    await user.open("/organise/new")
    user.find("Titre provisoire").clear().type(title)
    user.find("Créer le brouillon").click()
    await user.should_see("Description publique", retries=50)
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
    await user.should_see("Toutes les modifications sont enregistrées")

    # 2. When: a session exists once added; its length can change
    user.find("Suivant : Date et heure").click()
    await user.should_see("Sessions", retries=50)
    await user.should_see("Indiquez la date et l’heure d’au moins une session.")
    user.find("Ajouter une session").click()
    await user.should_see("Session 1", retries=50)
    assert await WorkshopSession.filter(workshop=workshop).count() == 1
    user.find("Durée d’une session, en minutes").clear().type("120")
    await user.should_see("Au-delà de 90 minutes, envisagez de répartir le travail sur plusieurs sessions",
                          retries=50)

    # 3. Agenda: the suggested agenda is there; add a vote from the templates
    user.find("Suivant : Ordre du jour").click()
    await user.should_see("Discussion en sous-groupes", retries=50)
    menu_item(user, "Vote · 10 min").click()
    await user.should_see("Vote sur les priorités", retries=50)
    assert [step.title for step in await Step.filter(workshop=workshop).order_by("position")][-1] == \
        "Vote sur les priorités"

    # 4. Rooms: the breakout step needs rooms; the suggestion creates them
    user.find("Suivant : Accueil et clôture").click()
    await user.should_see("Question d’accueil", retries=50)
    user.find("Lien vers le questionnaire de satisfaction").type("https://questionnaire.ville.example/b")
    await until(saved(workshop, feedback_url="https://questionnaire.ville.example/b"))
    user.find("Suivant : Salles").click()
    await user.should_see("L’ordre du jour comprend une étape en sous-groupes", retries=50)
    user.find("Participant·es attendu·es par session").type("24")
    await user.should_see("Suggestion pour 24 participant·es : 3 à 4 sous-groupes.", retries=50)
    user.find("Créer 4 salles").click()
    await user.should_see("Salle 4", retries=50)
    assert await Room.filter(workshop=workshop, kind=RoomKind.BREAKOUT).count() == 4

    # 5. Team
    user.find("Suivant : Équipe").click()
    await user.should_see("Ajouter quelqu’un à l’équipe", retries=50)
    user.find("Compte de l’équipe").click()
    user.find("Karim Benali · karim@ville.example").click()
    user.find("Rôle").click()
    user.find("Animateur·rice principal·e").click()
    user.find(kind=ui.button, content="Ajouter").click()
    await until(TeamMember.filter(workshop=workshop).exists)
    member = await TeamMember.get(workshop=workshop)
    assert (member.account_id, member.role) == (moderator.id, TeamRole.LEAD_MODERATOR)

    # 6. Review and publish
    user.find("Suivant : Relire et publier").click()
    await user.should_see("Prêt à publier.", retries=50)
    user.find("Publier").click()
    await user.should_see("Cet atelier est publié.", retries=50)
    assert (await stored(workshop)).published_at is not None

    await user.open(f"/w/{workshop.slug}")
    await user.should_see("Choisissons ensemble les projets financés par la ville.")
    await user.should_see("Vote sur les priorités")


async def test_values_that_cannot_be_saved_get_a_message_beside_the_field(organiser_user: User) -> None:
    user = organiser_user
    workshop = await create_draft(user, "Budget participatif")
    await user.open(f"/organise/{workshop.slug}/when")
    user.find("Durée d’une session, en minutes").clear().type("0")
    await user.should_see("Indiquez un nombre entre 15 et 480.", retries=50)
    await user.should_see("Non enregistré : voyez le message à côté du champ")
    assert (await stored(workshop)).duration_minutes == 90

    await user.open(f"/organise/{workshop.slug}/review")
    user.find("Adresse publique").clear().type("Pas une adresse")
    user.find("Changer l’adresse").click()
    await user.should_see("Utilisez de 3 à 60 lettres minuscules", retries=50)
    await user.should_see("Décrivez l’atelier pour le public")  # nothing published while something blocks
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
    await user.should_see("Plan vélo")
    user.find("Dupliquer").click()
    await user.should_see("Copie de Plan vélo", retries=50)
    await user.open("/organise")
    user.find(marker=None, content="Archiver").click()
    await user.should_see("est archivé", retries=50)
    assert await Workshop.filter(archived_at__isnull=False).count() == 1
    await user.open("/organise?archived=true")
    await user.should_see("Restaurer")
    assert workshop.id in {w.id for w in await Workshop.all()}
