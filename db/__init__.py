"""Handover's records: models, engine, migrations and the register read from events.

This package's ``__init__`` imports nothing, so that the door (``kiosk.door``) can use the pure
modules here (``vocabulary``, ``credentials``, ``timeline``, ``clock``) without pulling in
SQLAlchemy.
"""
