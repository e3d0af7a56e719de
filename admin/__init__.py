"""The office: the hub's web panel for the manager and staff. Never imports the kiosk."""
