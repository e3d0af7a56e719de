"""The kiosk's side of sync: the outbox goes to the hub, door data and others' events come back.

No Kivy here: the loop runs on its own thread and hands what it pulled to the door thread.
"""

from kiosk.sync.client import HubRefused, HubUnavailable, SyncClient, SyncResult
from kiosk.sync.loop import SyncLoop
from kiosk.sync.pairing import load_token, pair_with_hub, save_token, token_path

__all__ = [
    "HubRefused",
    "HubUnavailable",
    "SyncClient",
    "SyncLoop",
    "SyncResult",
    "load_token",
    "pair_with_hub",
    "save_token",
    "token_path",
]
