"""nameko adapters: the event log (with its relay), the feed entrypoints, the consumer inbox."""
from pathways.runtime.dependencies import EventLog, Inbox, ServiceDatabase, service_database
from pathways.runtime.feed import FeedEntrypoints, FeedQuerySchema
from pathways.runtime.feeds import HttpFeed, RpcFeed

__all__ = ["EventLog", "Inbox", "ServiceDatabase", "service_database", "FeedEntrypoints", "FeedQuerySchema",
           "HttpFeed", "RpcFeed"]
