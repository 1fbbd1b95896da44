"""Building blocks of the live pages: the run a page belongs to, its events, the countdown."""
