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
        calendar_file,
        dashboard,
        feedback_results,
        health,
        home,
        language,
        lobby,
        moderation,
        outbox,
        personal,
        public,
        record,
        reminders,
        signin,
        staff,
        stage,
        tracking,
        wizard,
    )

    theme.install()
    # Fixed paths before the wizard's /organise/{slug}, which would otherwise catch them.
    for module in (health, language, home, signin, account, dashboard, staff, outbox, tracking, feedback_results,
                   record, wizard, moderation, public, lobby, stage, board, reminders, personal, calendar_file):
        module.register(services)


__all__ = ["Services", "register"]
