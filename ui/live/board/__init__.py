"""The moderator board, one part per capability (commands, script, floor, microphones, people, rooms...)."""
