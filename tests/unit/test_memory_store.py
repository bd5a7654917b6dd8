"""The in-memory event log passes the store contract every backend passes."""
import pytest

from pathways.eventstore import MemoryEventStore
from tests.store_contract import StoreContract
from tests.support import make_registry


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self):
        return MemoryEventStore("intake", registry=make_registry())

    @staticmethod
    def make_store(store):
        return store   # one process: every writer shares the one log

    @staticmethod
    def edit(store, position, fn):
        fn(next(c for c in store._commits if c["_id"] == position))

    @staticmethod
    def delete(store, position):
        commit = next(c for c in store._commits if c["_id"] == position)
        store._commits.remove(commit)
