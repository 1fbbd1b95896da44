"""NiceGUI pages and components. Reads domain state and calls domain commands; never the reverse.

Pitfall: never write `import ui.something` here, it would shadow `from nicegui import ui`;
write `from ui.pages import home` instead.
"""

from ui.services import Services


def register(services: Services) -> None:
    """Register every route once per app (and again in each test's fresh app)."""
    from ui import theme
    from ui.pages import (
        account,
        board,
        dashboard,
        health,
        home,
        language,
        lobby,
        moderation,
        public,
        signin,
        staff,
        stage,
        wizard,
    )

    theme.install()
    # Fixed paths before the wizard's /organise/{slug}, which would otherwise catch them.
    for module in (health, language, home, signin, account, dashboard, staff, wizard, moderation, public, lobby, stage,
                   board):
        module.register(services)


__all__ = ["Services", "register"]
