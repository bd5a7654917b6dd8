"""Append-only event log per service: append, read stream, feed, hash chain, verify."""
from pathways.eventstore.chain import GENESIS, Verification, commit_hash, verify_commits
from pathways.eventstore.base import BaseEventStore, ConcurrencyError, envelopes
from pathways.eventstore.memory import MemoryEventStore
from pathways.eventstore.store import EventStore

__all__ = ["BaseEventStore", "EventStore", "MemoryEventStore", "ConcurrencyError", "envelopes", "GENESIS", "Verification",
           "commit_hash", "verify_commits"]
