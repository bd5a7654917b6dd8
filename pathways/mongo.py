"""MongoDB connections and a service's database.

``flat`` mode keeps a service's collections as ``<database>__<collection>`` in one database. It
exists for servers with a single namespace for all databases (the nx-27017 test fallback, which
maps every database name to the same SQLite file); MongoDB and FerretDB use real databases.
"""
import threading

from pymongo import MongoClient

FLAT_DATABASE = "pathways"
_clients, _clients_lock = {}, threading.Lock()


def mongo_client(uri):
    """One client per URI per process (pymongo pools connections itself)."""
    with _clients_lock:
        if uri not in _clients:
            _clients[uri] = MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
        return _clients[uri]


def truthy(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


class Database:
    def __init__(self, client, name, flat=False):
        self.client, self.name, self.flat = client, name, flat

    def __getitem__(self, collection):
        if self.flat:
            return self.client[FLAT_DATABASE][f"{self.name}__{collection}"]
        return self.client[self.name][collection]

    def collection_names(self):
        if self.flat:
            prefix = f"{self.name}__"
            return [n[len(prefix):] for n in self.client[FLAT_DATABASE].list_collection_names()
                    if n.startswith(prefix)]
        return self.client[self.name].list_collection_names()

    def drop(self):
        if self.flat:
            for name in self.collection_names():
                self[name].drop()
        else:
            self.client.drop_database(self.name)
