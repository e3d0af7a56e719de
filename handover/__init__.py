"""The ``handover`` command: the one place that wires the records, the door and the office."""
