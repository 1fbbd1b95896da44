"""Camera, microphone and screen: encoded media forwarded by Atelier's own server, never re-encoded.

Publishers' packets are assembled into encoded frames (`assembler`), handed to each subscriber's
slot (`forwarding`), and packetised again by aiortc's senders. Every use of aiortc's private parts
is in `aiortc_hooks`, guarded by a test, since aiortc is pinned for them.
"""
