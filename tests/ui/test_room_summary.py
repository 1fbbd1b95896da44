"""The room summary's pen on the pages, on a fake clock: a quiet writer's pen offered to the others after two
minutes, a writer who leaves freeing it at once, and what was typed just before "Done writing" saved; the wizard's
settings of the summary and the report-out; the report-out's top ideas ranked by revealed dots."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.elements.mixins.text_element import TextElement
from nicegui.testing.user import User
from nicegui.testing.user_interaction import UserInteraction

from domain import workshops
from domain.clock import FakeClock
from domain.models import Step, StepKind, Workshop
from tests.ui.conftest import see, sign_in
from tests.ui.test_live import join, published_workshop
from tests.waiting import until


@pytest.fixture
def app_clock(clock: FakeClock) -> FakeClock:
    return clock


async def test_the_pen_goes_to_whoever_takes_over_a_quiet_or_departed_writer(
        user: User, create_user: Callable[[], User], clock: FakeClock) -> None:
    workshop = await published_workshop()
    plan = await workshops.load_plan_by_id(workshop.id)
    breakout = next(step for step in plan.steps if step.kind == StepKind.BREAKOUT)
    await workshops.update_step(breakout, "activity", {"kind": "summary", "max_length": 300})
    moderator, amina, bruno = user, create_user(), create_user()
    for participant, name in ((amina, "Amina"), (bruno, "Bruno")):
        await join(participant, workshop.slug, name)
        participant.client.delete()  # see tests/ui/test_live.py: the lobby's move is for the browser tests
    await sign_in(moderator, "karim@ville.example")
    await see(moderator, "Mes missions")
    await moderator.open(f"/w/{workshop.slug}/moderate")
    moderator.find("Ouvrir les portes").click()
    await see(moderator, "Portes ouvertes")
    for participant in (amina, bruno):
        await participant.open(f"/w/{workshop.slug}/live")
    moderator.find(kind=ui.button, content="Commencer l’atelier").click()
    await see(moderator, f"Étape 1 sur {len(plan.steps)}")
    position = plan.steps.index(breakout)
    for number in range(2, position + 2):
        moderator.find(kind=ui.button, content="Suivante :").click()
        await see(moderator, f"Étape {number} sur {len(plan.steps)}")
    moderator.find(kind=ui.button, content="Ouvrir les salles").click()
    await see(amina, "Personne n’écrit.")

    # Amina writes; what she typed an instant before "Done writing" is saved with it.
    amina.find(kind=ui.button, content="Écrire").click()
    await see(bruno, "Amina écrit.")
    amina.find(kind=ui.textarea).type("Des pistes cyclables <b>séparées</b>")
    await see(bruno, "Des pistes cyclables <b>séparées</b>")
    amina.find(kind=ui.textarea).type(" et des arceaux")
    amina.find(kind=ui.button, content="J’ai fini d’écrire").click()
    await see(bruno, "Personne n’écrit.")
    box = bruno.find(kind=ui.textarea).elements.pop()
    assert box.value == "Des pistes cyclables <b>séparées</b> et des arceaux"  # type: ignore[attr-defined]

    # She takes it again and goes quiet: after two minutes of the run's clock, Bruno may take over.
    amina.find(kind=ui.button, content="Écrire").click()
    await see(bruno, "Amina écrit.")
    await see(bruno, "Demander à écrire")
    await bruno.should_not_see("Prendre la main")
    clock.advance(minutes=2)
    await see(bruno, "Amina écrit mais n’a rien changé depuis un moment : vous pouvez prendre la main.")
    bruno.find(kind=ui.button, content="Prendre la main").click()
    await see(amina, "Bruno écrit.")
    await see(bruno, "Vous écrivez : votre texte est enregistré à mesure que vous tapez.")

    # Bruno leaves (his page closes): the pen is free for Amina at once.
    bruno.client.delete()
    await see(amina, "Bruno écrivait et est parti·e : le stylo est libre.")
    amina.find(kind=ui.button, content="Écrire").click()
    await see(amina, "Vous écrivez : votre texte est enregistré à mesure que vous tapez.")


def step_select(user: User, step_id: int, label: str) -> ui.select:
    """The select of this label in this step's part of the agenda (each step is an expansion)."""
    for select in user.find(kind=ui.select).elements:
        assert isinstance(select, ui.select)
        inside = [parent for parent in select.ancestors() if parent.props.get("data-focus") == f"step-{step_id}"]
        if inside and select.props.get("label") == label:
            return select
    raise AssertionError(f"no select {label!r} in step {step_id}")


async def test_the_wizard_sets_a_summary_and_a_report_out_reading_it(organiser_user: User) -> None:
    user = organiser_user
    await user.open("/organise/new")
    user.find("Titre provisoire").clear().type("Budget participatif")
    user.find("Créer le brouillon").click()
    await see(user, "Description publique")
    workshop = await Workshop.get(title="Budget participatif")
    plan = await workshops.load_plan_by_id(workshop.id)
    breakout = next(step for step in plan.steps if step.kind == StepKind.BREAKOUT)
    report = plan.steps[-1]  # the conclusion, after the breakout
    await user.open(f"/organise/{workshop.slug}/agenda")
    await see(user, "Ordre du jour")

    activity = step_select(user, breakout.id, "Activité des participant·es")
    assert "report_out" not in activity.options  # type: ignore[operator]  # a plenary matter
    activity.set_value("summary")
    await until(lambda: stored_activity(breakout.id, {"kind": "summary", "max_length": 1500}))
    length = next(element for element in user.find(kind=ui.number).elements
                  if element.props.get("label") == "Longueur maximale du résumé, en caractères")
    assert isinstance(length, ui.number)
    length.set_value(800)
    await until(lambda: stored_activity(breakout.id, {"kind": "summary", "max_length": 800}))

    report_activity = step_select(user, report.id, "Activité des participant·es")
    assert "summary" not in report_activity.options  # type: ignore[operator]  # rooms only
    report_activity.set_value("report_out")
    await until(lambda: stored_activity(report.id, {"kind": "report_out", "source_step_id": None,
                                                    "ideas_step_id": None}))
    source = step_select(user, report.id, "Résumés des salles de l’étape")
    assert source.options == {"": "L’étape en sous-groupes la plus proche avant celle-ci",  # type: ignore[comparison-overlap]
                              breakout.id: breakout.title}
    source.set_value(breakout.id)
    await until(lambda: stored_activity(report.id, {"kind": "report_out", "source_step_id": breakout.id,
                                                    "ideas_step_id": None}))


async def stored_activity(step_id: int, expected: dict[str, object]) -> bool:
    return (await Step.get(id=step_id)).activity == expected


def button(user: User, label: str, *, in_dialog: bool = False) -> UserInteraction[ui.button]:
    """A button by its accessible name (its aria-label, else its text), in a dialog or on the page."""
    found = {element for element in user.find(kind=ui.button).elements
             if isinstance(element, ui.button)
             and (element.props.get("aria-label") or element.text) == label
             and in_dialog == any(isinstance(parent, ui.dialog) for parent in element.ancestors())}
    assert found, f"no button {label!r}"
    return UserInteraction(user, found, label)


async def test_the_report_out_ranks_each_room_s_ideas_by_revealed_dots(
        user: User, create_user: Callable[[], User]) -> None:
    """Ideas in a breakout room, a dot vote on them in the plenary, then the report-out's card: the pinned idea
    first, then by dots once revealed."""
    workshop = await published_workshop()
    plan = await workshops.load_plan_by_id(workshop.id)
    ideas_step = next(step for step in plan.steps if step.kind == StepKind.BREAKOUT)
    vote = plan.steps[plan.steps.index(ideas_step) + 1]
    report = await workshops.add_step(workshop)
    await workshops.update_step(ideas_step, "activity", {"kind": "ideas"})
    await workshops.update_step(vote, "activity", {"kind": "dots", "source_step_id": ideas_step.id, "dots": 3})
    await workshops.update_step(report, "activity", {"kind": "report_out"})
    steps = len(plan.steps) + 1
    moderator, amina = user, create_user()
    await join(amina, workshop.slug, "Amina")
    amina.client.delete()
    await sign_in(moderator, "karim@ville.example")
    await see(moderator, "Mes missions")
    await moderator.open(f"/w/{workshop.slug}/moderate")
    moderator.find("Ouvrir les portes").click()
    await see(moderator, "Portes ouvertes")
    await amina.open(f"/w/{workshop.slug}/live")
    moderator.find(kind=ui.button, content="Commencer l’atelier").click()
    await see(moderator, f"Étape 1 sur {steps}")

    async def next_step(number: int) -> None:
        moderator.find(kind=ui.button, content="Suivante :").click()
        await see(moderator, f"Étape {number} sur {steps}")

    for number in range(2, plan.steps.index(ideas_step) + 2):
        await next_step(number)
    moderator.find(kind=ui.button, content="Ouvrir les salles").click()
    await see(amina, "Salle : Salle 1")  # in the room: the ideas posted now are the room's
    for text in ("Première idée", "Deuxième idée", "Troisième idée", "Quatrième idée"):
        box = amina.find(kind=ui.textarea, content="Votre idée")
        [area] = box.elements
        assert isinstance(area, ui.textarea)
        box.clear().type(text)
        amina.find(kind=ui.button, content="Publier mon idée").click()
        await until(lambda area=area: area.value == "")  # posted: the box is emptied
    for text in ("Première idée", "Deuxième idée", "Troisième idée", "Quatrième idée"):
        await see(moderator, text)
    moderator.find(kind=ui.tab, content="Activité").click()
    button(moderator, "Épingler l’idée 4").click()
    await see(moderator, "Désépingler")

    await next_step(plan.steps.index(vote) + 1)  # the dot vote, in the plenary
    await see(amina, "Il vous reste 3 gommettes")
    for left, text in (("Il vous reste 2 gommettes.", "Troisième idée"),
                       ("Il vous reste 1 gommette.", "Troisième idée"),
                       ("Vous avez placé toutes vos gommettes.", "Deuxième idée")):
        button(amina, f"Placer une gommette : {text}").click()
        await see(amina, left)
    moderator.find(kind=ui.tab, content="Activité").click()
    button(moderator, "Dévoiler les résultats").click()
    button(moderator, "Dévoiler les résultats", in_dialog=True).click()
    await see(amina, "Les résultats sont dévoilés")

    await next_step(steps)
    await see(amina, "Ce que les salles rapportent")
    [card] = [element for element in amina.find(kind=ui.element).elements if element.tag == "article"]
    items = [element for element in card.descendants() if element.tag == "li"]  # in the page's order
    shown = [" ".join(part.text for part in item.descendants() if isinstance(part, TextElement)) for item in items]
    assert shown == ["Quatrième idée épinglée 0 gommette", "Troisième idée 2 gommettes", "Deuxième idée 1 gommette"]
    await see(amina, "et 1 autre idée")
