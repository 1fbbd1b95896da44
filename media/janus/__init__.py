"""Janus VideoRoom servers as Atelier's media backend, for more people than one server forwards (issue 12)."""
