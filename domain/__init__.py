"""The workshop world: records, planning rules and the commands that change them.

Nothing here imports NiceGUI, aiortc, SMTP code, or the ui/media/mail packages:
those layers depend on the domain, never the other way round.
"""
