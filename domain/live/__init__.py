"""The live workshop: one in-memory session per running run, the single writer of its state.

`LiveRegistry` holds them; `LiveSession` takes commands; `events` are what it stores and announces.
"""
