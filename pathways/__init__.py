"""Pathways shared kernel: event contracts, event store, messaging. The only code services share."""
