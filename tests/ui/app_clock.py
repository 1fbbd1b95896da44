"""The clock the simulated app is built with: set for each test by the `user` fixture (tests/ui/conftest.py)."""

from __future__ import annotations

from domain.clock import Clock, SystemClock

current: Clock = SystemClock()
