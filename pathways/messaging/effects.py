"""Idempotent effects without transactions: a read-model document remembers, per source, the last
position applied to it, and is only updated by an event beyond that mark (one atomic write)."""
from pymongo.errors import DuplicateKeyError


def apply_once(collection, doc_id, update, source, position):
    """Apply ``update`` to document ``doc_id`` unless it already saw ``source``'s ``position``.

    Upserts the document. Returns True if applied, False if it was a repeat.
    """
    mark = f"_applied.{source}"
    update = {op: dict(fields) for op, fields in update.items()}
    update.setdefault("$set", {})[mark] = position
    try:
        res = collection.update_one(
            {"_id": doc_id, "$or": [{mark: {"$exists": False}}, {mark: {"$lt": position}}]},
            update, upsert=True)
    except DuplicateKeyError:
        return False  # the document exists with a mark >= position: already applied
    return bool(res.matched_count or res.upserted_id is not None)
