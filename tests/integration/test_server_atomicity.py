"""What the kernel asks of a MongoDB-wire server beyond the protocol: two writers updating the
same document at once both take effect (single-document atomicity). Read models rely on it, as
each source's consumer updates the rows it shares with the others' (an enrolment's end and its
case's closure arrive together). FerretDB 1.24.2 loses some of such updates over SQLite and over
PostgreSQL (the compatibility matrix, README); this test names it. The writers are processes of
their own, so that their updates truly overlap at the server."""
import subprocess
import sys

DOCS = 1000
WRITER = """
import sys
from pymongo import MongoClient
docs = MongoClient(sys.argv[1])[sys.argv[2]]["atomicity_probe"]
for i in range(int(sys.argv[4])):
    docs.update_one({"_id": i}, {"$set": {sys.argv[3]: i}})
"""


def test_concurrent_updates_of_one_document_both_take_effect(db, mongo_uri):
    docs = db["atomicity_probe"]
    docs.insert_many([{"_id": i} for i in range(DOCS)])
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, mongo_uri, db.name, field,
                                 str(DOCS)]) for field in ("intake", "placement")]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    lost = [d["_id"] for d in docs.find({}) if "intake" not in d or "placement" not in d]
    assert not lost, f"{len(lost)} of {DOCS} documents lost one of two concurrent updates"
