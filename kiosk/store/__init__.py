"""The kiosk's storage: its replica of the door's people data and its event log."""
