"""The office's operations as plain functions: what the panel's pages, the sync API and the
``handover`` command share. Route modules (``admin/views``, ``admin/api``) call these and never
each other, so a page can change without another page noticing."""
