"""Who may open what: every route of the app, for every kind of visitor, as one table.

The routes are read from the app itself: a new route without a row in MATRIX fails the test, and so does a
row for a route that no longer exists. The workshop is published and its doors are open; a participant
joined it through the lobby; one moderator is in its team, another is not.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from nicegui import core, ui
from nicegui.testing.user import User
from starlette.routing import Mount, Route

from domain import accounts
from domain.models import LiveRun, StaffRole, WorkshopSession
from tests.conftest import PASSWORD
from tests.ui.conftest import see, sign_in
from tests.ui.test_live import app_clock, join, published_workshop  # noqa: F401  (app_clock is a fixture)

ROLES = ("stranger", "participant", "moderator", "other moderator", "organiser")
SLUG = "plan-velo"
CODE = "a-rehearsal-code"
Expected = int | tuple[int, str]  # a status, or a redirect and where it leads


def everyone(expected: Expected) -> dict[str, Expected]:
    return dict.fromkeys(ROLES, expected)


def staff_only(path: str, *, moderator: Expected, other: Expected, organiser: Expected = 200) -> dict[str, Expected]:
    sign_in_first = (303, f"/signin?next={quote(path, safe='')}")
    return {"stranger": sign_in_first, "participant": sign_in_first, "moderator": moderator,
            "other moderator": other, "organiser": organiser}


def live_page(path: str, lobby: str) -> dict[str, Expected]:
    """The stage: participants who joined, and the workshop's team watching; everyone else to the lobby."""
    return {"stranger": (303, lobby), "participant": 200 if "rehearsal" not in path else (303, lobby),
            "moderator": 200, "other moderator": (303, lobby), "organiser": 200}


REHEARSAL = f"/w/{SLUG}/rehearsal/{CODE}"
# route -> (the address visited, what each visitor gets)
MATRIX: dict[str, tuple[str, dict[str, Expected]]] = {
    "/": ("/", everyone(200)),
    "/favicon.ico": ("/favicon.ico", everyone(200)),
    "/healthz": ("/healthz", everyone(200)),
    "/static/{path:path}": ("/static/atelier.css", everyone(200)),
    "/language/{code}": ("/language/fr?next=/organise", everyone((303, "/organise"))),
    "/signin": ("/signin", {"stranger": 200, "participant": 200, "moderator": (303, "/moderate"),
                            "other moderator": (303, "/moderate"), "organiser": (303, "/organise")}),
    "/signin/complete": ("/signin/complete?ticket=guessed", everyone((303, "/signin"))),
    "/account": ("/account", staff_only("/account", moderator=200, other=200)),
    "/organise": ("/organise", staff_only("/organise", moderator=403, other=403)),
    "/organise/staff": ("/organise/staff", staff_only("/organise/staff", moderator=403, other=403)),
    "/organise/new": ("/organise/new", staff_only("/organise/new", moderator=403, other=403)),
    "/organise/outbox": ("/organise/outbox", staff_only("/organise/outbox", moderator=403, other=403)),
    "/organise/outbox/{message_id}": ("/organise/outbox/1", staff_only("/organise/outbox/1", moderator=403,
                                                                       other=403, organiser=404)),  # no message yet
    "/organise/workshops/{workshop_id}/registrations": (
        "/organise/workshops/1/registrations",
        staff_only("/organise/workshops/1/registrations", moderator=403, other=403)),
    "/organise/workshops/{workshop_id}/feedback": ("/organise/workshops/1/feedback",
                                                   staff_only("/organise/workshops/1/feedback", moderator=403,
                                                              other=403)),
    "/organise/workshops/{workshop_id}/sessions/{session_id}/record": (
        "/organise/workshops/1/sessions/1/record",
        staff_only("/organise/workshops/1/sessions/1/record", moderator=403, other=403)),
    "/organise/{slug}": (f"/organise/{SLUG}", everyone((303, f"/organise/{SLUG}/purpose"))),
    "/organise/{slug}/preview": (f"/organise/{SLUG}/preview",
                                 staff_only(f"/organise/{SLUG}/preview", moderator=403, other=403)),
    "/organise/{slug}/{part}": (f"/organise/{SLUG}/agenda",
                                staff_only(f"/organise/{SLUG}/agenda", moderator=403, other=403)),
    "/moderate": ("/moderate", staff_only("/moderate", moderator=200, other=200)),
    "/moderate/{slug}": (f"/moderate/{SLUG}", staff_only(f"/moderate/{SLUG}", moderator=200, other=404)),
    "/w/{slug}": (f"/w/{SLUG}", everyone(200)),
    "/w/{slug}/lobby": (f"/w/{SLUG}/lobby", {**everyone(200), "participant": (303, f"/w/{SLUG}/live")}),
    "/w/{slug}/live": (f"/w/{SLUG}/live", live_page(f"/w/{SLUG}/live", f"/w/{SLUG}/lobby")),
    "/w/{slug}/moderate": (f"/w/{SLUG}/moderate", staff_only(f"/w/{SLUG}/moderate", moderator=200, other=404)),
    "/w/{slug}/rehearsal/{code}/lobby": (f"{REHEARSAL}/lobby", everyone(200)),
    "/w/{slug}/rehearsal/{code}/live": (f"{REHEARSAL}/live", live_page(f"{REHEARSAL}/live", f"{REHEARSAL}/lobby")),
    "/w/{slug}/rehearsal/{code}/moderate": (f"{REHEARSAL}/moderate",
                                            staff_only(f"{REHEARSAL}/moderate", moderator=200, other=404)),
    "/r/{token}/reminders-off": ("/r/a-guessed-token/reminders-off", everyone(404)),
    # A personal link opens one registration: a token nobody was sent opens none, whoever asks.
    "/r/{token}": ("/r/AAAAAAAAAAAAAAAAAAAAAA", everyone(404)),
    "/r/{token}/calendar.ics": ("/r/AAAAAAAAAAAAAAAAAAAAAA/calendar.ics", everyone(404)),
    "/signout": ("/signout", {**everyone((303, "/signin")), "moderator": 200, "other moderator": 200,
                              "organiser": 200}),  # the page with the sign-out form; signing out is a POST
}


def atelier_routes() -> set[str]:
    """Every path the app answers, except NiceGUI's own machinery (/_nicegui/...: its scripts and sockets)."""
    paths = {route.path for route in core.app.routes if isinstance(route, Route | Mount)}
    return {path for path in paths if not path.startswith("/_nicegui")}


async def visitors(user: User, create_user: Callable[[], User]) -> dict[str, User]:
    workshop = await published_workshop()  # Karim is its lead moderator
    assert workshop.slug == SLUG
    session = await WorkshopSession.get(workshop_id=workshop.id)
    await LiveRun.create(session_id=session.id, rehearsal=True, join_code=CODE, real_session_id=None)
    await accounts.create_staff("eve@ville.example", "Ève", StaffRole.MODERATOR, PASSWORD)
    await accounts.create_staff("claire@ville.example", "Claire", StaffRole.ORGANISER, PASSWORD)
    people = {"stranger": create_user(), "participant": create_user(), "moderator": user,
              "other moderator": create_user(), "organiser": create_user()}
    await join(people["participant"], SLUG, "Amina")
    people["participant"].client.delete()  # the doors will open: see tests/ui/test_live.py
    for role, email, landing in (("other moderator", "eve@ville.example", "Mes missions"),
                                 ("organiser", "claire@ville.example", "Préparez, publiez et suivez"),
                                 ("moderator", "karim@ville.example", "Mes missions")):
        await sign_in(people[role], email)
        await see(people[role], landing)
    board = people["moderator"]
    await board.open(f"/w/{SLUG}/moderate")
    board.find(kind=ui.button, content="Ouvrir les portes").click()
    await see(board, "Portes ouvertes")
    return people


async def test_every_route_answers_each_kind_of_visitor_as_the_matrix_says(
        user: User, create_user: Callable[[], User]) -> None:
    people = await visitors(user, create_user)
    routes = atelier_routes()
    assert routes - MATRIX.keys() == set(), "routes without a row in the role matrix: add one"
    assert MATRIX.keys() - routes == set(), "rows of the role matrix for routes that are gone"

    wrong = []
    for route, (path, expected_by_role) in MATRIX.items():
        for role in ROLES:
            response = await people[role].http_client.get(path)
            got: Expected = response.status_code
            if response.is_redirect:
                got = (response.status_code, response.headers["location"])
            if got != expected_by_role[role]:
                wrong.append(f"{route} as {role}: got {got}, expected {expected_by_role[role]}")
    assert not wrong, "\n".join(wrong)
