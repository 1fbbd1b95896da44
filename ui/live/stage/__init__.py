"""The participant's stage, one part per capability (agenda, place, step, hand, rooms, messages, media)."""
