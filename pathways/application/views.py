"""A service's own read model of stream summaries (e.g. programme runs, opportunities), for
listing without reading every stream. Built by the kernel consumer from the service's own log, so
it is always rebuildable; each document is the fold of one stream, written with ``apply_once``."""
from marshmallow import RAISE, Schema, fields, validate

from pathways.application.commands import Commands
from pathways.messaging import Consumer, apply_once
from pathways.application.validation import load

MAX_PAGE_ITEMS = 500
"""The most items one page of a list may hold; ``next_offset`` leads on."""


class PageQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_PAGE_ITEMS))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


def paging(query: dict | None) -> dict:
    """``limit`` and ``offset`` from a list's query (400 beyond the bounds, or on anything else)."""
    return load(PageQuerySchema(), query or {}, "query")


class SummaryView:
    def __init__(self, db, store, name, events, fold, summarize, key, commands=None):
        """``events``: the event classes that change a summary; ``summarize(state, org) ->
        dict`` (``org``: the stream's organisation); ``key(state) -> document id``;
        ``commands``: the service's command path, whose kept states the view shares, so that
        an event costs one read of the events after the state it keeps (usually none)."""
        self.store, self.coll = store, db[name]
        self.commands = commands or Commands(store)
        self.fold, self.summarize, self.key = fold, summarize, key
        self.consumer = Consumer(db, name, {cls.type: self._on_event for cls in events},
                                 lambda source, after, limit: store.feed_page(after, limit)[:2],
                                 sources=[store.source], batch=self._on_events).ensure_indexes()

    def _on_event(self, event):
        self._on_events([event])

    def _on_events(self, events):
        """One read per stream and one write per document for a run of events: each summary is the
        stream's state now, marked with the position of the last event of the run that changed
        it (a later one writes it again)."""
        last = {e["stream_id"]: e["position"] for e in events}
        writes = []
        for stream, position in last.items():
            row_id, summary = self.commands.read(stream, self.fold, lambda state, org: (
                self.key(state), self.summarize(state, org)))
            writes.append((row_id, {"$set": summary}, position))
        for row_id, update, position in writes:
            apply_once(self.coll, row_id, update, events[0]["source"], position)

    def refresh(self):
        """Apply what the log holds beyond the view: read before every answer, so two reads
        (the log's head, the checkpoint) when nothing is new, the common case."""
        if self.store.head()["position"] <= self.consumer.checkpoint(self.store.source):
            return True
        return self.consumer.catch_up()

    def find(self, query, sort):
        self.refresh()
        return [plain(d) for d in self.coll.find(query, sort=sort)]

    def page(self, query: dict, sort: list, page: dict,
             hide: tuple[str, ...] = ()) -> tuple[list[dict], int | None]:
        """One page of the documents: ``(items, next_offset or None)``; ``page`` from paging()."""
        self.refresh()
        return page_of(self.coll, query, sort, page, lambda d: plain(d, hide))


def plain(doc: dict, hide: tuple[str, ...] = ()) -> dict:
    """A read-model document without its bookkeeping (``_id``, ``_applied``) and ``hide``."""
    return {k: v for k, v in doc.items() if not k.startswith("_") and k not in hide}


def page_of(coll, query: dict, sort: list, page: dict, shape) -> tuple[list[dict], int | None]:
    """One page of a collection's documents, each as ``shape(doc)`` says: ``(items,
    next_offset or None)``; ``page`` from paging() (or a query schema built on it)."""
    limit, offset = page["limit"], page["offset"]
    docs = list(coll.find(query, sort=[*sort, ("_id", 1)], skip=offset, limit=limit + 1))
    return [shape(d) for d in docs[:limit]], (offset + limit if len(docs) > limit else None)
