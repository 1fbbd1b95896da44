"""E-mail: renders the outbox's messages (templates, calendar invitations) and sends them over SMTP.

Follows the domain, never the reverse: the domain writes `OutboxMessage` rows (domain/outbox.py), the composition
root starts the `MailSender` that sends them, and the organisers' outbox page reads them through `Composer`.
"""
