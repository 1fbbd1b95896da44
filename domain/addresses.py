"""People's e-mail addresses: checked by email-validator, kept in one canonical form.

The syntax is email-validator's (RFC 5321/5322, internationalised domains), without DNS look-ups: a
municipality's server may not resolve outside names, and a typo'd domain is better caught by the bounce than
by a slow check. Addresses are stored in their ASCII form, lowercased, so that "Marie@Ville.fr" and
"marie@ville.fr" are one person (the unique registration per workshop and address relies on it), and every mail
server can take them. Accents before the @ are refused: most servers cannot deliver them.

The library explains a refusal in English; `check_address` turns it into one of a few translated reasons.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from domain.errors import InvalidValue
from domain.i18n import N_

MAX_ADDRESS = 254

# Pieces of email-validator's own messages, most specific first, and what we tell the organiser instead.
REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("at-sign (@) character", "small commercial at"), N_("The @ is not the usual one: type it again.")),
    (("must have an @-sign",), N_("An e-mail address has an @, as in name@ville.fr.")),
    (("something before the @-sign",), N_("Nothing comes before the @.")),
    (("something after the @-sign",), N_("Nothing comes after the @.")),
    (("too long",), N_("Too long for an e-mail address.")),
    (("Internationalized characters before the @-sign",),
     N_("Accents and other special letters before the @ cannot be delivered by most mail servers.")),
    (("special-use or reserved name",), N_("This domain name is reserved: it receives no mail.")),
    (("should have a period", "top-level domain"),
     N_("After the @ comes a domain name such as ville.fr: this one is incomplete.")),
    (("period", "hyphen"), N_("A dot or a hyphen is out of place.")),
    (("before the @-sign",),
     N_("The part before the @ has characters an address cannot have (a space, a comma, a bracket...).")),
    (("after the @-sign",), N_("The part after the @ is not a valid domain name.")),
)
NOT_AN_ADDRESS = N_("This is not a valid e-mail address.")


def check_address(text: str, *, field: str = "email") -> str:
    """The address in its canonical form, or InvalidValue saying why it is not one (no DNS look-up)."""
    candidate = text.strip()
    if len(candidate) > MAX_ADDRESS:
        raise InvalidValue(N_("Too long for an e-mail address."), field=field)
    try:
        checked = validate_email(candidate, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as problem:
        raise InvalidValue(reason_for(str(problem)), field=field) from None
    return (checked.ascii_email or checked.normalized).lower()


def reason_for(library_message: str) -> str:
    """The translatable reason matching one of email-validator's messages."""
    for pieces, reason in REASONS:
        if any(piece in library_message for piece in pieces):
            return reason
    return NOT_AN_ADDRESS
