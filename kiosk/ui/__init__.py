"""The kiosk's screens: thin Kivy views over :mod:`kiosk.service` and :mod:`kiosk.views`."""
