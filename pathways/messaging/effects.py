"""Idempotent effects without transactions: a read-model document remembers, per source, the last
position applied to it, and is only updated by an event beyond that mark (one atomic write)."""
from pymongo.errors import DuplicateKeyError


def apply_once(collection, doc_id, update, source, position):
    """Apply ``update`` to document ``doc_id`` unless it already saw ``source``'s ``position``.

    Upserts the document. Returns True if applied, False if it was a repeat. Each step is a single
    conditional write; plain conditions only (no ``$or``), which every wire-compatible server
    evaluates alike.
    """
    mark = f"_applied.{source}"
    update = {op: dict(fields) for op, fields in update.items()}
    update.setdefault("$set", {})[mark] = position
    # Usual case: the document exists and has seen earlier events of this source.
    if collection.update_one({"_id": doc_id, mark: {"$lt": position}}, update).matched_count:
        return True
    try:
        # New document, or one that has not seen this source yet. If it exists with a mark at or
        # beyond ``position``, the upsert collides on _id: already applied.
        res = collection.update_one({"_id": doc_id, mark: {"$exists": False}}, update, upsert=True)
    except DuplicateKeyError:
        return False
    return bool(res.matched_count or res.upserted_id is not None)
