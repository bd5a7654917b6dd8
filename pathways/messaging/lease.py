"""A lease document: at most one active holder per name (e.g. one relay per service)."""
import time

from pymongo.errors import DuplicateKeyError


class Lease:
    def __init__(self, collection, name, holder, ttl=10.0, clock=time.time):
        self.coll, self.name, self.holder, self.ttl, self.clock = collection, name, holder, ttl, clock

    def acquire(self):
        """Take or renew the lease; True if this holder has it now."""
        now = self.clock()
        taken = {"$set": {"holder": self.holder, "expires_at": now + self.ttl}}
        # Renew our own lease, else take over an expired one: each a single conditional write.
        for condition in ({"holder": self.holder}, {"expires_at": {"$lt": now}}):
            if self.coll.update_one({"_id": self.name, **condition}, taken).matched_count:
                return True
        try:
            self.coll.insert_one({"_id": self.name, "holder": self.holder,
                                  "expires_at": now + self.ttl})
            return True
        except DuplicateKeyError:
            return False

    def release(self):
        self.coll.update_one({"_id": self.name, "holder": self.holder},
                             {"$set": {"expires_at": 0}})
