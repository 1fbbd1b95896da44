"""A published workshop that takes registrations on its public form, for the tests of every layer."""

from __future__ import annotations

from datetime import datetime

from domain import accounts, timekeeping, workshops
from domain.clock import Clock
from domain.models import RegistrationMode, StaffAccount, StaffRole, TeamRole, Workshop, WorkshopSession
from tests.conftest import PASSWORD

TITLE = "Quartier des Tanneurs"
OPINION = "Avez-vous déjà un avis sur le projet ?"
OPINION_CHOICES = ["Oui, plutôt pour", "Oui, plutôt contre", "Pas encore"]
WISH = "Qu’aimeriez-vous changer dans le quartier ?"
ROOMS_QUESTION = "Quelles salles vous intéressent ?"
ROOMS = ("Circulation", "Commerces")
# Question ids as the wizard makes them (domain/questions.new_id).
OPINION_ID, WISH_ID, ROOMS_ID = "q1000001", "q1000002", "q1000003"


async def registration_workshop(clock: Clock, *, starts: list[datetime],
                                capacities: list[int | None], mode: RegistrationMode = RegistrationMode.PUBLIC_FORM,
                                title: str = TITLE) -> tuple[Workshop, list[WorkshopSession]]:
    """Published, in Paris, with a choice question, a text question and a rooms question, two breakout rooms and
    sessions starting at these instants, with these capacities."""
    moderator = await StaffAccount.get_or_none(email="karim@ville.example") or await accounts.create_staff(
        "karim@ville.example", "Karim Benali", StaffRole.MODERATOR, PASSWORD)
    workshop = await workshops.create_workshop(title=title, created_by=None, time_zone="Europe/Paris")
    await workshops.update_workshop(workshop, "description", "Repensons ensemble les rues du quartier.")
    for name in ROOMS:
        await workshops.add_breakout_room(workshop, name)
    await workshops.add_team_member(workshop, moderator.id, TeamRole.LEAD_MODERATOR)
    sessions = []
    for start, capacity in zip(starts, capacities, strict=True):
        local = timekeeping.to_local(start, workshop.time_zone)
        session = await workshops.add_session(workshop, local.date(), local.time())
        await workshops.set_session_capacity(session, capacity, clock=clock)
        sessions.append(session)
    await Workshop.filter(id=workshop.id).update(registration_mode=mode, registration_questions=[
        {"id": OPINION_ID, "text": OPINION, "kind": "choice", "choices": OPINION_CHOICES},
        {"id": WISH_ID, "text": WISH, "kind": "text", "choices": []},
        {"id": ROOMS_ID, "text": ROOMS_QUESTION, "kind": "rooms", "choices": []},
    ])
    workshop = await Workshop.get(id=workshop.id)
    await workshops.publish(workshop, clock)
    return await Workshop.get(id=workshop.id), [await WorkshopSession.get(id=s.id) for s in sessions]
