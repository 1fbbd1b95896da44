"""The demo: a realistic French workshop and two staff accounts to try Atelier with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

from domain import accounts, activities, timekeeping, workshops
from domain.clock import Clock
from domain.models import (
    Aim,
    Audience,
    Interactivity,
    Room,
    RoomAssignment,
    RoomKind,
    StaffAccount,
    StaffRole,
    Step,
    StepKind,
    TeamMember,
    TeamRole,
    Workshop,
    WorkshopSession,
)

DEMO_SLUG = "demo"
# Shared by the demo's accounts and printed when the demo starts. It contains "atelier", which the password rules
# refuse, so the demo creates its accounts without them: the demo is for trying Atelier, never a public server.
DEMO_PASSWORD = "atelier-demo"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: StaffRole


ORGANISER = DemoAccount("organisatrice@atelier.example", "Claire Martin", StaffRole.ORGANISER)
MODERATOR = DemoAccount("moderateur@atelier.example", "Karim Benali", StaffRole.MODERATOR)

AGENDA = [
    (StepKind.PLENARY, 10, "Accueil et règles du jeu",
     "Mettre chacun·e à l’aise et présenter le déroulé.",
     "Bienvenue à l’atelier sur l’avenir de la place du Marché. Nous commençons par un tour de l’ordre du jour.",
     "Répondez à la question d’accueil : « Qu’est-ce qui vous amène ce soir ? ». Coupez votre micro quand "
     "vous ne parlez pas et levez la main pour prendre la parole.",
     "- Accueillir, présenter Karim (animation) et Claire (service urbanisme).\n"
     "- Présenter l’ordre du jour et la durée : 1 h 30.\n"
     "- Règles : micro coupé, main levée, se présenter en prenant la parole.\n"
     "- Montrer le bouton « lever la main » et le plein écran."),
    (StepKind.PLENARY, 15, "Le projet en quelques images",
     "Donner à tou·tes les mêmes informations de départ.",
     "La place du Marché sera réaménagée en 2027. Le budget, le calendrier et le maintien du marché du "
     "samedi sont décidés ; l’usage des espaces, la végétalisation et la circulation restent ouverts.",
     "Écoutez la présentation et notez vos questions pour le temps d’échange qui suit.",
     "- Claire présente le diagnostic (10 min) en partageant son écran.\n"
     "- Dire clairement ce qui est décidé et ce qui est ouvert à la discussion.\n"
     "- Annoncer comment les propositions seront utilisées par le conseil municipal."),
    (StepKind.PLENARY, 15, "Questions en plénière",
     "Répondre aux questions de compréhension.",
     "Un temps pour poser vos questions sur le projet avant de travailler en petits groupes.",
     "Levez la main pour poser une question. Une question par personne pour commencer.",
     "- Donner la parole dans l’ordre des mains levées, en favorisant celles et ceux qui n’ont pas parlé.\n"
     "- Noter les questions sans réponse pour le compte rendu."),
    (StepKind.BREAKOUT, 25, "Ateliers en petits groupes",
     "Formuler deux ou trois propositions par thème.",
     "Chaque salle travaille sur un thème : circulation et stationnement, commerces et marché, "
     "nature et jeux.",
     "Partagez votre point de vue, écoutez les autres et choisissez ensemble deux ou trois propositions. "
     "Désignez une personne pour les présenter au retour.",
     "- Rappeler la consigne et la durée avant d’ouvrir les salles.\n"
     "- Passer dans chaque salle au bout de 10 minutes.\n"
     "- Prévenir une minute avant la fermeture."),
    (StepKind.PLENARY, 10, "Restitution",
     "Partager les propositions de chaque groupe.",
     "Chaque groupe présente ses propositions en deux minutes.",
     "Écoutez les autres groupes ; vous pourrez réagir à la fin.",
     "- Donner la parole aux rapporteur·es, deux minutes chacun·e.\n- Remercier chaque groupe."),
    (StepKind.PLENARY, 5, "Conclusion et suite",
     "Remercier et annoncer les prochaines étapes.",
     "Merci ! Les propositions seront présentées au conseil municipal du 2 février. Une exposition des "
     "projets aura lieu en mars à la médiathèque.",
     "Répondez au questionnaire de satisfaction : trois minutes qui nous aident beaucoup.",
     "- Remercier chaleureusement.\n- Annoncer le conseil municipal du 2 février et l’exposition de mars.\n"
     "- Partager le lien du questionnaire."),
]

# What participants do beside talking, by step: questions to the team, each room's ideas, then the report-out.
ACTIVITIES: dict[str, dict[str, Any]] = {
    "Questions en plénière": {"kind": "questions"},
    "Ateliers en petits groupes": {"kind": "ideas", "max_length": 280},
    "Restitution": {"kind": "report_out", "source_step_id": None, "ideas_step_id": None},
}

ROOMS = [
    ("Circulation et stationnement", "Accès à la place à pied, à vélo, en voiture ; livraisons du marché."),
    ("Commerces et marché", "Le marché du samedi, les terrasses, les commerces de la place."),
    ("Nature et jeux", "Arbres, ombre, fontaine, jeux pour enfants et bancs."),
]


async def ensure_demo_accounts() -> list[StaffAccount]:
    created = []
    for demo in (ORGANISER, MODERATOR):
        account = await StaffAccount.get_or_none(email=demo.email)
        if account is None:
            account = await accounts.create_staff(demo.email, demo.display_name, demo.role, DEMO_PASSWORD,
                                                  enforce_password_policy=False)
        created.append(account)
    return created


async def ensure_demo_workshop(clock: Clock) -> Workshop:
    """Create the demo workshop once; later runs keep whatever was changed in it."""
    existing = await Workshop.get_or_none(slug=DEMO_SLUG)
    if existing is not None:
        return existing
    organiser, moderator = await ensure_demo_accounts()
    workshop = await Workshop.create(
        slug=DEMO_SLUG,
        title="Réinventons la place du Marché",
        description="La ville réaménage la place du Marché en 2027. Venez dire comment vous la vivez "
        "aujourd’hui et ce que vous en attendez : circulation, commerces, nature et jeux. Vos propositions "
        "seront présentées au conseil municipal.",
        objectives="Recueillir les usages actuels de la place et au moins six propositions concrètes, "
        "classées par priorité, pour le cahier des charges des architectes.",
        success_factors="Au moins 25 participant·es, dont des commerçant·es et des familles ; chaque "
        "groupe rend deux propositions ; 80 % de satisfaction au questionnaire.",
        interactivity=Interactivity.DELIBERATION,
        audience=Audience.GENERAL_PUBLIC,
        audience_details="Habitant·es du centre-ville, commerçant·es et usager·es du marché.",
        aim=Aim.EXCHANGING_VIEWS,
        language="fr",
        time_zone="Europe/Paris",
        duration_minutes=90,
        expected_participants=24,
        arrival_question="Qu’est-ce qui vous amène ce soir ? Comment vivez-vous la place du Marché aujourd’hui ?",
        rules_of_conduct=workshops.RULES_OF_CONDUCT["fr"],
        thank_you_message="Vos propositions seront présentées au conseil municipal du 2 février, puis exposées à "
        "la médiathèque en mars. Une synthèse de l’atelier vous sera envoyée.",
        next_dates="- 2 février : présentation des propositions au conseil municipal\n"
        "- Mars : exposition des projets à la médiathèque\n"
        "- Avril : second atelier sur le projet retenu",
        feedback_url="https://questionnaire.example/place-du-marche",
        feedback_questions=["Qu’avez-vous le plus apprécié ?", "Que faudrait-il améliorer pour le prochain atelier ?"],
        room_assignment=RoomAssignment.PARTICIPANTS_CHOOSE,
        created_by=organiser,
    )
    first_day = (timekeeping.to_local(clock.now(), workshop.time_zone) + timedelta(days=14)).date()
    for offset in (0, 7):
        await WorkshopSession.create(
            workshop=workshop,
            starts_at=timekeeping.to_utc(first_day + timedelta(days=offset), time(18, 30), workshop.time_zone),
            capacity=30,
        )
    for position, (kind, minutes, title, objective, context, expected, script) in enumerate(AGENDA):
        await Step.create(
            workshop=workshop, position=position, kind=kind, minutes=minutes, title=title, objective=objective,
            context_info=context, expected_of_participants=expected, moderator_script=script,
            activity=activities.checked_activity(ACTIVITIES.get(title), kind),
        )
    await Room.create(workshop=workshop, kind=RoomKind.PLENARY, position=0, name=workshops.PLENARY_NAMES["fr"])
    for position, (name, topic) in enumerate(ROOMS, start=1):
        await Room.create(workshop=workshop, kind=RoomKind.BREAKOUT, position=position, name=name, topic=topic,
                          capacity=8)
    await TeamMember.create(workshop=workshop, account=moderator, role=TeamRole.LEAD_MODERATOR)
    await TeamMember.create(workshop=workshop, account=organiser, role=TeamRole.CO_MODERATOR)
    workshop.published_at = clock.now()
    await workshop.save(update_fields=["published_at"])
    return workshop
