"""Append-only event log per service: append, read stream, feed, hash chain, verify."""
from pathways.eventstore.chain import GENESIS, Verification, commit_hash, verify_commits
from pathways.eventstore.store import ConcurrencyError, EventStore, envelopes

__all__ = ["EventStore", "ConcurrencyError", "envelopes", "GENESIS", "Verification",
           "commit_hash", "verify_commits"]
