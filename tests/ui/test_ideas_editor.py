"""The ideas board chosen for a step in the wizard's agenda, and its length limit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from nicegui.testing.user import User

from domain import workshops
from domain.models import Step
from tests.ui.conftest import see
from tests.ui.test_wizard import create_draft
from tests.waiting import until


async def test_an_ideas_board_is_chosen_for_a_step_and_its_limit_set(organiser_user: User) -> None:
    user = organiser_user
    workshop = await create_draft(user, "Place du marché")
    for step in await Step.filter(workshop=workshop):
        await workshops.delete_step(step)
    step = await workshops.add_step(workshop, template="welcome")
    await user.open(f"/organise/{workshop.slug}/agenda")
    user.find("Activité des participant·es").click()
    user.find("Mur d’idées").click()

    async def activity() -> object:
        return (await Step.get(id=step.id)).activity

    def stored(expected: object) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return await activity() == expected
        return check

    await until(stored({"kind": "ideas", "max_length": 280}))
    await see(user, "Nombre maximal de caractères par idée")
    user.find("Nombre maximal de caractères par idée").clear().type("500")
    await until(stored({"kind": "ideas", "max_length": 500}))
    user.find("Nombre maximal de caractères par idée").clear().type("20")
    await see(user, "Ces réglages de l’activité ne sont pas valables.")
    assert await activity() == {"kind": "ideas", "max_length": 500}

