"""NiceGUI is pinned to a minor release because Atelier relies on some of its internals: this fails the day one moves.

Each check names the Atelier file that relies on what it checks. To move to a newer NiceGUI: install it, run this
file, adapt the files named by what fails, then move the pin in pyproject.toml. Nothing here starts a server.
"""

from __future__ import annotations

import importlib
import inspect
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import uvicorn
from engineio.async_drivers import asgi as engineio_asgi
from engineio.async_server import AsyncServer as EngineIoServer
from nicegui import Client, ElementFilter, app, background_tasks, core, ui
from nicegui.app.app_config import AppConfig
from nicegui.element import Element
from nicegui.elements.mixins.text_element import TextElement
from nicegui.observables import ObservableDict
from nicegui.outbox import Outbox
from nicegui.page import page
from nicegui.props import Props
from nicegui.storage import RequestTrackingMiddleware, Storage
from nicegui.testing import general, general_fixtures, user_plugin
from nicegui.testing.user import User
from nicegui.testing.user_navigate import UserNavigate
from nicegui.testing.user_simulation import user_simulation
from packaging.requirements import Requirement
from packaging.version import Version
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.protocols.websockets import wsproto_impl

from ui import socket_guard

ROOT = Path(__file__).resolve().parents[2]


def source(obj: Any) -> str:
    return inspect.getsource(obj)


def parameters(function: Any) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_nicegui_is_pinned_to_the_installed_minor_release() -> None:
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    requirement = next(r for r in map(Requirement, dependencies) if r.name == "nicegui")
    installed = Version(version("nicegui"))
    assert requirement.specifier.contains(installed), f"nicegui {installed} is installed, pyproject says {requirement}"
    next_minor = Version(f"{installed.major}.{installed.minor + 1}.0")
    assert not requirement.specifier.contains(next_minor), \
        f"{requirement} lets in {next_minor}: pin NiceGUI to one minor release once this file passes with it"


def test_props_are_observed_and_reach_the_browser_as_one_update_per_element() -> None:
    where = "ui/live/*.py (countdown, panels, media_link, device_check) set self._props and call update()"
    assert "self._props: Props[Self] = Props(" in source(Element.__init__), where
    assert issubclass(Props, ObservableDict) and issubclass(Props, dict), where
    assert "on_change=self._update" in source(Props.__init__), where
    assert "element.update()" in source(Props._update), where
    for method in (ObservableDict.__setitem__, ObservableDict.update):
        assert "self._handle_change()" in source(method), where
    assert parameters(Element.update) == ["self"], where
    assert "outbox.enqueue_update(self)" in source(Element.update), where
    # several props changed at once still send the element once (a new step is one small update per page)
    assert "self.updates[element.id] = element" in source(Outbox.enqueue_update), where


def test_custom_components_load_their_vue_file_and_run_its_methods() -> None:
    where = "ui/live/*.py: `class X(ui.element, component='x.js')` and run_method(..., timeout=)"
    assert "component" in parameters(Element.__init_subclass__), where
    run_method = inspect.signature(Element.run_method).parameters
    assert list(run_method)[:2] == ["self", "name"] and run_method["timeout"].kind is inspect.Parameter.KEYWORD_ONLY, \
        where
    assert isinstance(inspect.getattr_static(Element, "is_deleted"), property), \
        "ui/pages/wizard/shell.py and board.py read element.is_deleted"


def test_text_element_takes_its_tag_and_text() -> None:
    where = "ui/components.py: Text calls TextElement.__init__(tag=tag, text=text)"
    text = inspect.signature(TextElement.__init__).parameters
    assert text["text"].kind is inspect.Parameter.KEYWORD_ONLY, where
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in text.values()), where
    assert "super().__init__(**kwargs)" in source(TextElement.__init__), where
    assert parameters(Element.__init__)[:2] == ["self", "tag"], where


def test_texts_held_in_props_are_found_and_rendered() -> None:
    where = "ui/live/panels.py: TextsInProps overrides _displayed_contents and _render_markdown"
    displayed = inspect.signature(Element._displayed_contents).parameters
    assert list(displayed) == ["self", "only_visible"], where
    assert displayed["only_visible"].kind is inspect.Parameter.KEYWORD_ONLY, where
    # NiceGUI's testing `user.find` and `user.should_see` filter elements by these contents
    assert "element._displayed_contents(only_visible=" in source(ElementFilter.__iter__), where
    assert "ElementFilter(" in source(User), where
    assert parameters(Element._render_markdown) == ["self"], where
    assert "child._render_markdown()" in source(Element._children_to_markdown), where
    assert "self.layout._render_markdown()" in source(Client.build_response), where


def test_a_page_is_entered_by_its_client_and_knows_when_it_is_gone() -> None:
    where = "ui/live/bridge.py: each page's events run in `with client:`, skipped once the client is deleted"
    assert "self.content.__enter__()" in source(Client.__enter__), where
    assert "self.content.__exit__()" in source(Client.__exit__), where
    assert isinstance(inspect.getattr_static(Client, "is_deleted"), property), where
    assert "path" in parameters(page.__init__), f"{where} (logs name the page by client.page.path)"


def test_client_lifecycle_hooks() -> None:
    where = "ui/live/context.py (follow_presence), ui/live/bridge.py, ui/live/media_link.py"
    assert isinstance(inspect.getattr_static(Client, "has_socket_connection"), property), where
    assert "self.tab_id is not None" in source(Client.has_socket_connection.fget), where
    for hook in (Client.on_connect, Client.on_disconnect, Client.on_delete):
        assert parameters(hook) == ["self", "handler"], f"{where}: {hook.__name__}"
    # the handlers are lambdas returning coroutines: NiceGUI runs what they return as a task
    invoke = source(Client.safe_invoke)
    assert "helpers.should_await(result)" in invoke and "background_tasks.create(" in invoke, where
    assert "name" in parameters(background_tasks.create), "ui/live/*.py: background_tasks.create(..., name=)"


def test_each_client_has_its_page_storage_and_response() -> None:
    init = source(Client.__init__)
    assert "self.page = page" in init, "ui/frame.py: replaces client.page with a copy in the page's language"
    assert "self.language = language" in source(page.__init__), "ui/frame.py: sets client.page.language"
    assert "self.language" in source(page.resolve_language), "ui/frame.py: sets client.page.language"
    assert "self.page.resolve_language()" in source(Client.build_response), "ui/frame.py: <html lang> per client"
    assert "self.storage = ObservableDict()" in init, "ui/i18n.py: keeps the page's language in client.storage"
    assert parameters(Client.build_response) == ["self", "request", "status_code"], \
        "ui/auth.py, ui/pages/*.py: context.client.build_response(request, 403 or 404)"


def test_page_options() -> None:
    where = "ui/pages/stage.py and board.py: ui.page(..., reconnect_timeout=, response_timeout=)"
    options = inspect.signature(page.__init__).parameters
    assert {"reconnect_timeout", "response_timeout", "language"} <= set(options), where
    assert "self.page.resolve_reconnect_timeout()" in source(Client.handle_disconnect), where
    assert "timeout=self.response_timeout" in source(page), where


def test_run_options_reach_uvicorn() -> None:
    where = "atelier.py (run_server): ui.run(..., ws_per_message_deflate=False, **tls)"
    run = inspect.signature(ui.run).parameters
    for name in ("host", "port", "title", "favicon", "reload", "show", "show_welcome_message", "storage_secret",
                 "uvicorn_logging_level"):
        assert name in run, f"{where}: {name}"
    assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in run.values()), where
    run_source = source(ui.run)
    assert "ws='wsproto'" in run_source and "**kwargs," in run_source, where
    assert "kwargs.get('ssl_certfile')" in run_source, where
    assert "ws_per_message_deflate" in inspect.signature(uvicorn.Config).parameters, where
    assert "self.config.ws_per_message_deflate" in source(wsproto_impl), where
    assert "reconnect_timeout" in run, "atelier.py (run_server): ui.run(reconnect_timeout=...)"
    pings = source(importlib.import_module("nicegui.nicegui"))  # the sockets' pings follow it
    assert "sio.eio.ping_interval = max(app.config.reconnect_timeout * 0.8, 4)" in pings, "atelier.py: pings"
    assert "sio.eio.ping_timeout = max(app.config.reconnect_timeout * 0.4, 2)" in pings, "atelier.py: pings"


def test_atelier_wraps_nicegui_lifespan() -> None:
    where = "atelier.py (build_app): wraps app.router.lifespan_context once, keeping NiceGUI's own"
    main = importlib.import_module("nicegui.nicegui")
    assert "core.app = app = App(default_response_class=NiceGUIJSONResponse, lifespan=_lifespan)" in source(main), \
        where
    assert core.app is app, where
    assert callable(app.router.lifespan_context), where
    # the simulated user enters the (wrapped) lifespan, and resetting between tests does not replace it
    assert "core.app.router.lifespan_context(core.app)" in source(user_simulation), where
    assert "lifespan" not in source(general.nicegui_reset_globals), where
    assert "app" not in source(core.reset).split("global", 1)[1].split("\n", 1)[0], "tests/ui/conftest.py: core.app"


def test_browser_storage_goes_where_atelier_puts_it() -> None:
    where = "atelier.py (run_server): Storage.path = the data directory's browser storage, before ui.run"
    assert isinstance(inspect.getattr_static(Storage, "path"), Path), where
    assert "Storage.path / f'storage-" in source(Storage._create_persistent_dict), where
    assert "Storage.path =" in source(general_fixtures.pytest_configure), "tests: NiceGUI's plugin isolates storage"


def test_theme_switches_off_quasar_loading_bar() -> None:
    where = "ui/theme.py: app.config.quasar_config['loadingBar']['skipHijack'] = True"
    assert "skipHijack" in AppConfig().quasar_config["loadingBar"], where
    assert "core.app.config.quasar_config" in source(Client.build_response), where


def test_simulated_user() -> None:
    where = "tests/ui/conftest.py, tests/simulated_app.py, [tool.pytest.ini_options] main_file"
    assert "main_file" in inspect.signature(user_simulation).parameters, where
    assert parameters(general_fixtures.get_path_to_main_file) == ["request"], where
    assert "parser.addini('main_file'" in source(general_fixtures.pytest_addoption), where
    assert user_plugin.pytest_addoption is general_fixtures.pytest_addoption, "tests/conftest.py loads user_plugin"
    assert parameters(User.__init__) == ["self", "client"], where
    assert "self.javascript_rules" in source(User.__init__), where
    assert "runpy.run_path(str(main_file), run_name='__main__')" in source(user_simulation), where


def test_socket_handlers_that_the_socket_guard_wraps() -> None:
    where = "ui/socket_guard.py: wraps NiceGUI's socket handlers by name and binds each page to its socket"
    main = importlib.import_module("nicegui.nicegui")
    wrapped = {"connect": "_on_connect", "handshake": "_on_handshake", "disconnect": "_on_disconnect",
               **socket_guard.PAGE_MESSAGES}
    # a message NiceGUI adds one day must be bound to its page's socket too: the guard must know every one
    assert set(core.sio.handlers["/"]) == set(wrapped), where
    for name in ("_on_connect", "_on_handshake"):
        assert inspect.iscoroutinefunction(getattr(main, name)), f"{where}: {name} is awaited"
    for name in socket_guard.PAGE_MESSAGES.values():
        handler = getattr(main, name)
        assert not inspect.iscoroutinefunction(handler), f"{where}: {name} is called, not awaited"
        assert parameters(handler) == ["_", "msg"], where
        assert "msg['client_id']" in source(handler), f"{where}: {name} trusts the page the message names"
    connect = source(main._on_connect)
    assert "query.get('implicit_handshake', '') == 'true'" in connect, where
    assert "await _on_handshake(sid, query)" in connect, where
    assert "ConnectionRefusedError('Implicit handshake failed')" in connect, where
    assert "data['client_id']" in source(main._on_handshake), where
    assert "sio.rooms(sid)" in source(main._on_disconnect), where


def test_a_page_socket_carries_its_client_id_in_its_address_and_its_browser_cookie() -> None:
    where = "ui/socket_guard.py: the client id is in the socket's query, the browser id in its session cookie"
    assert "'client_id': self.id," in source(Client.build_response), where
    script = (Path(inspect.getfile(Client)).parent / "static" / "nicegui.js").read_text()
    assert "query: options.query," in script, where
    assert 'err.message == "Implicit handshake failed"' in script and "window.location.reload()" in script, \
        f"{where}: a page whose socket is refused reloads"
    # the session middleware reads the cookie for sockets too, and engine.io hands the ASGI scope to the handlers
    assert 'scope["type"] not in ("http", "websocket")' in source(SessionMiddleware.__call__), where
    assert "'asgi.scope': scope," in source(engineio_asgi.translate_request), where
    assert "callable(self.cors_allowed_origins)" in source(EngineIoServer._cors_allowed_origins), \
        "ui/socket_guard.py: sets sio.eio.cors_allowed_origins to a function"
    assert "self._request = request" in source(Client.__init__), f"{where}: the page's request, cookie included"
    assert "raise RuntimeError('Request is not set')" in source(Client.request.fget), where


def test_browser_ids_and_their_cookie() -> None:
    where = "ui/auth.py (renew_browser_id) and atelier.py: NiceGUI's browser id, its storage and its cookie"
    assert "request.session['id'] = str(uuid.uuid4())" in source(RequestTrackingMiddleware.dispatch), where
    assert "session_id = request.session['id']" in source(Storage.user.fget), where
    assert parameters(Storage._create_user_storage) == ["self", "session_id"], where
    run = source(ui.run)
    assert "set_storage_secret(storage_secret, session_middleware_kwargs)" in run, \
        "tests/simulated_app.py: ui.run(session_middleware_kwargs=) in the simulation"
    assert "config.session_middleware_kwargs = session_middleware_kwargs" in run, \
        "atelier.py: ui.run(session_middleware_kwargs=) on a server"
    assert {"session_cookie", "same_site", "https_only"} <= set(parameters(SessionMiddleware.__init__)), where
    # tests/ui/conftest.py signs in through the simulation, which follows /signin/complete's redirect
    assert "self.user.open(path" in source(UserNavigate._open), "tests/ui: the simulation opens navigations"
    assert "follow_redirects=True" in source(User.open), "tests/ui: the simulation follows redirects"
