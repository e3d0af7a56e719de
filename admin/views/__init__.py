"""One module per page family of the office panel."""
