"""The kiosk's side of sync: the outbox goes to the hub, door data and others' events come back.

No Kivy here: the loop runs on its own thread and hands what it pulled to the door thread.
"""

from kiosk.sync.client import HubNotTrusted, HubRefused, HubUnavailable, SyncClient, SyncResult
from kiosk.sync.loop import SyncLoop
from kiosk.sync.pairing import (
    Pairing,
    hub_client,
    load_token,
    pair_with_hub,
    save_pairing,
    save_token,
    token_path,
)

__all__ = [
    "HubNotTrusted",
    "HubRefused",
    "HubUnavailable",
    "Pairing",
    "SyncClient",
    "SyncLoop",
    "SyncResult",
    "hub_client",
    "load_token",
    "pair_with_hub",
    "save_pairing",
    "save_token",
    "token_path",
]
