"""MongoDB connections: one pooled client per URI per process; a service's database is a plain
pymongo ``Database`` named ``<prefix>_<service>``."""
import threading

from pymongo import MongoClient

_clients, _clients_lock = {}, threading.Lock()


def mongo_client(uri):
    """One client per URI per process (pymongo pools connections itself)."""
    with _clients_lock:
        if uri not in _clients:
            _clients[uri] = MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
        return _clients[uri]


def drop(db):
    """Drop a whole database (tests and benchmarks clean up with it)."""
    db.client.drop_database(db.name)
