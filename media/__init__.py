"""Camera, microphone and screen: RTP packets forwarded by Atelier's own server, never decoded or re-encoded.

Each publisher's packet is written to every subscriber slot showing it with its header rewritten
(`forwarding`), straight into the subscriber's SRTP session and socket. Every use of aiortc's
private parts is in `aiortc_hooks`, guarded by a test, since aiortc is pinned for them.
"""
