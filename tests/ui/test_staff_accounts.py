"""The organisers' staff page and everyone's own account page, through NiceGUI's simulated user."""

from __future__ import annotations

from collections.abc import Callable

from nicegui import ui
from nicegui.testing.user import User

from domain import accounts, passwords, workshops
from domain.models import StaffAccount, StaffAuditEntry, StaffRole
from tests.conftest import PASSWORD
from tests.ui.conftest import see, sign_in
from tests.waiting import until

NEW_PASSWORD = "plume orange sous la pluie"


async def karim() -> StaffAccount:
    return await accounts.create_staff("karim@ville.example", "Karim Benali", StaffRole.MODERATOR, PASSWORD)


def press(user: User, text: str, account: StaffAccount) -> None:
    """Press a button of this account's row."""
    with user.scope(marker=f"staff-{account.id}"):
        user.find(kind=ui.button, content=text).click()


def answer(user: User, text: str) -> None:
    """Press a button of the open dialog."""
    with user.scope(kind=ui.dialog):
        user.find(kind=ui.button, content=text).click()


async def test_the_list_shows_each_accounts_role_status_and_last_sign_in(organiser_user: User) -> None:
    moderator = await karim()
    await organiser_user.open("/organise/staff")
    await see(organiser_user, "Karim Benali")
    await see(organiser_user, "Animateur·rice")
    await see(organiser_user, "Actif")
    await see(organiser_user, "Jamais connecté·e")
    await see(organiser_user, "Dernière connexion il y a")  # Claire herself, just signed in
    await see(organiser_user, "1 session ouverte")
    for control in ("Changer le rôle", "Réinitialiser le mot de passe", "Déconnecter partout", "Désactiver"):
        with organiser_user.scope(marker=f"staff-{moderator.id}"):
            button = next(iter(organiser_user.find(kind=ui.button, content=control).elements))
        assert button.props["aria-label"] == f"{control} – Karim Benali"
    organiser = await StaffAccount.get(email="claire@ville.example")
    with organiser_user.scope(marker=f"staff-{organiser.id}"):
        await organiser_user.should_not_see(kind=ui.button)
    await see(organiser_user, "Changer mon mot de passe")  # her own row links to her account page instead


async def test_an_organiser_disables_an_account_its_pages_close_and_it_is_told_at_sign_in(
        organiser_user: User, create_user: Callable[[], User]) -> None:
    moderator = await karim()
    other = create_user()
    await sign_in(other, moderator.email)
    await see(other, "Mes missions")
    await organiser_user.open("/organise/staff")
    press(organiser_user, "Désactiver", moderator)
    await see(organiser_user, "Désactiver le compte de Karim Benali ?")
    answer(organiser_user, "Annuler")  # nothing happens when cancelled
    dialog = next(iter(organiser_user.find(kind=ui.dialog).elements))
    await until(lambda: not dialog.value)
    assert (await StaffAccount.get(id=moderator.id)).active
    press(organiser_user, "Désactiver", moderator)
    answer(organiser_user, "Désactiver le compte")
    await see(organiser_user, "Le compte de Karim Benali est désactivé et ses sessions sont fermées.")
    await see(organiser_user, "Désactivé")
    await see(organiser_user, "A désactivé le compte")  # in the recent changes
    assert (await other.http_client.get("/moderate")).status_code == 303
    await sign_in(other, moderator.email)
    await see(other, "Ce compte a été désactivé. Adressez-vous à un·e organisateur·rice de votre commune.")
    press(organiser_user, "Réactiver", moderator)
    await see(organiser_user, "Le compte de Karim Benali est réactivé")
    await sign_in(other, moderator.email)
    await see(other, "Mes missions")


async def test_a_generated_password_is_shown_once_and_replaced_at_the_next_sign_in(
        organiser_user: User, create_user: Callable[[], User]) -> None:
    moderator = await karim()
    await organiser_user.open("/organise/staff")
    press(organiser_user, "Réinitialiser le mot de passe", moderator)
    await see(organiser_user, "Réinitialiser le mot de passe de Karim Benali")
    answer(organiser_user, "Réinitialiser le mot de passe")
    await see(organiser_user, marker="generated-password")
    generated = next(iter(organiser_user.find(marker="generated-password").elements)).text
    assert passwords.check_password(generated) == generated
    answer(organiser_user, "Terminé")
    await see(organiser_user, "Le mot de passe de Karim Benali est réinitialisé")
    await see(organiser_user, "Doit choisir un nouveau mot de passe")

    other = create_user()
    await sign_in(other, moderator.email, generated)
    await see(other, "Un·e organisateur·rice a réinitialisé votre mot de passe.")
    assert (await other.http_client.get("/moderate")).headers["location"] == "/account?next=%2Fmoderate"
    other.find("Mot de passe actuel").type(generated)
    other.find("Nouveau mot de passe").type(NEW_PASSWORD)
    other.find("Confirmez le nouveau mot de passe").type(NEW_PASSWORD)
    other.find(kind=ui.button, content="Changer mon mot de passe").click()
    await see(other, "Les ateliers que vous animez")  # where they were going
    assert (await other.http_client.get("/moderate")).status_code == 200


async def test_a_chosen_reset_password_follows_the_rules_beside_the_field(organiser_user: User) -> None:
    moderator = await karim()
    await organiser_user.open("/organise/staff")
    press(organiser_user, "Réinitialiser le mot de passe", moderator)
    with organiser_user.scope(kind=ui.dialog):
        organiser_user.find("Le choisir moi-même").click()
    organiser_user.find("Nouveau mot de passe pour Karim Benali").type("karim2026!")
    answer(organiser_user, "Réinitialiser le mot de passe")
    await see(organiser_user, "Ce mot de passe est fait du nom, de l’adresse e-mail du compte ou du nom du site")
    organiser_user.find("Nouveau mot de passe pour Karim Benali").clear().type(NEW_PASSWORD)
    answer(organiser_user, "Réinitialiser le mot de passe")
    await see(organiser_user, "Le mot de passe de Karim Benali est réinitialisé")
    assert (await StaffAccount.get(id=moderator.id)).must_change_password


async def test_an_organiser_changes_a_role_and_ends_someones_sessions(organiser_user: User,
                                                                      create_user: Callable[[], User]) -> None:
    moderator = await karim()
    other = create_user()
    await sign_in(other, moderator.email)
    await see(other, "Mes missions")
    await organiser_user.open("/organise/staff")
    press(organiser_user, "Déconnecter partout", moderator)
    answer(organiser_user, "Déconnecter partout")
    await see(organiser_user, "Karim Benali est déconnecté·e partout (1 session fermée).")
    assert (await other.http_client.get("/moderate")).status_code == 303
    press(organiser_user, "Changer le rôle", moderator)
    with organiser_user.scope(kind=ui.dialog):
        organiser_user.find("Organisateur·rice").click()
    answer(organiser_user, "Changer le rôle")
    await see(organiser_user, "Karim Benali est maintenant : organisateur·rice.")
    assert (await StaffAccount.get(id=moderator.id)).role == StaffRole.ORGANISER
    assert await StaffAuditEntry.filter(target_id=moderator.id).count() == 3  # created, signed out, role


async def test_creating_an_account_explains_a_weak_password(organiser_user: User) -> None:
    await organiser_user.open("/organise/staff")
    organiser_user.find("Adresse e-mail").type("lea@ville.example")
    organiser_user.find("Nom affiché").type("Léa Dubois")
    organiser_user.find("Mot de passe initial").type("aaaaaaaaaaaa")
    organiser_user.find(kind=ui.button, content="Créer le compte").click()
    await see(organiser_user, "Les caractères répétés ou qui se suivent (aaaa, 1234, azerty) se devinent")
    organiser_user.find("Mot de passe initial").clear().type(NEW_PASSWORD)
    organiser_user.find(kind=ui.button, content="Créer le compte").click()
    await see(organiser_user, "Compte créé pour lea@ville.example.")
    await see(organiser_user, "A créé le compte (animateur·rice)")


async def test_changing_ones_own_password_from_the_menu(organiser_user: User) -> None:
    await organiser_user.open("/organise")
    organiser_user.find(kind=ui.link, content="Mon compte").click()
    await see(organiser_user, "Vous n’êtes connecté·e que sur ce navigateur.")
    organiser_user.find("Mot de passe actuel").type("not the password")
    organiser_user.find("Nouveau mot de passe").type(NEW_PASSWORD)
    organiser_user.find("Confirmez le nouveau mot de passe").type(NEW_PASSWORD)
    organiser_user.find(kind=ui.button, content="Changer mon mot de passe").click()
    await see(organiser_user, "Ce n’est pas votre mot de passe actuel.")
    organiser_user.find("Mot de passe actuel").type(PASSWORD)
    organiser_user.find("Nouveau mot de passe").clear().type("1234567890")
    organiser_user.find("Confirmez le nouveau mot de passe").clear().type("1234567890")
    organiser_user.find(kind=ui.button, content="Changer mon mot de passe").click()
    await see(organiser_user, "Ce mot de passe est trop courant ou trop facile à deviner.")
    organiser_user.find("Nouveau mot de passe").clear().type(NEW_PASSWORD)
    organiser_user.find("Confirmez le nouveau mot de passe").clear().type(NEW_PASSWORD)
    organiser_user.find(kind=ui.button, content="Changer mon mot de passe").click()
    await see(organiser_user, "Votre mot de passe est changé. Vos autres sessions sont fermées.")
    assert (await organiser_user.http_client.get("/organise")).status_code == 200  # this session stays


async def test_the_staff_page_leads_back_only_to_an_existing_workshop(organiser_user: User) -> None:
    """Reached from a workshop's team part (`?back=<slug>`), the page links back to that part; an unknown address
    or another site's gives no link at all (the way back is made from the stored workshop, never the query)."""
    workshop = await workshops.create_workshop(title="Budget des quartiers", created_by=None)
    await organiser_user.open(f"/organise/staff?back={workshop.slug}")
    back = "Retour à « Budget des quartiers » : Équipe"
    await see(organiser_user, back)
    link = next(iter(organiser_user.find(kind=ui.link, content=back).elements))
    assert link.props["href"] == f"/organise/{workshop.slug}/team"
    for elsewhere in ("no-such-workshop", "https://evil.example/", "//evil.example", ""):
        await organiser_user.open(f"/organise/staff?back={elsewhere}")
        await see(organiser_user, "Comptes de l’équipe")
        await organiser_user.should_not_see("Retour à")
