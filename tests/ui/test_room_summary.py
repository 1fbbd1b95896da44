"""The room summary's pen on the pages, on a fake clock: a quiet writer's pen offered to the others after two
minutes, a writer who leaves freeing it at once, and what was typed just before "Done writing" saved."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from nicegui import ui
from nicegui.testing.user import User

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
