"""Operator and auditor tools (the ``pathways`` command): above the services, which they drive
through their APIs and feeds, and above the kernel."""
