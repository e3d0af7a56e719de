"""Running the hub: its health (``/healthz``), its metrics (``/metrics``) and its log lines."""
