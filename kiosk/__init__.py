"""The door: a Kivy touchscreen in the hallway. ``kiosk.door`` holds its rules, in plain Python."""
