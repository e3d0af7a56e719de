"""The kiosk's devices, each behind a small interface with a fake for tests and laptops.

* :mod:`kiosk.devices.camera` — where frames come from (V4L2 webcam, Pi CSI camera, files, none).
* :mod:`kiosk.devices.decoder` — frame in, QR texts out (zxing-cpp by default, or pyzbar).
* :mod:`kiosk.devices.scanning` — the camera worker thread: read, decode, report each card once.
* :mod:`kiosk.devices.keyboard_scanner` — a USB 2D scanner types the payload and Enter.
* :mod:`kiosk.devices.sound` — the chimes, and the WAV files they play, made on first start.

Nothing here imports Kivy: the app wires these to the screen, and hops threads itself.
"""
