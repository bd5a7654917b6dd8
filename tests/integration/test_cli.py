import json

from ops import cli
from pathways.eventstore import EventStore
from tests.support import counted, make_registry


def run(capsys, *argv):
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


def test_verify_and_head_from_the_command_line(capsys, mongo_uri, database, db_prefix):
    db = database("intake")
    store = EventStore(db, "intake", registry=make_registry()).ensure_indexes()
    for i in range(5):
        store.append("p", i, [counted(i)])
    base = ["--mongo-uri", mongo_uri, "--db-prefix", db_prefix]
    code, out = run(capsys, *base, "head", "--service", "intake")
    head = json.loads(out)
    assert code == 0 and head["position"] == 5
    code, out = run(capsys, *base, "verify", "--service", "intake", "--seal-position", "5",
                    "--seal-hash", head["hash"])
    assert code == 0 and json.loads(out)["ok"] is True
    doc = db["commits"].find_one({"_id": 2})
    doc["recorded_at"] = "2020-01-01T00:00:00.000000Z"
    db["commits"].replace_one({"_id": 2}, doc)
    code, out = run(capsys, *base, "verify", "--service", "intake")
    assert code == 1 and json.loads(out)["bad_position"] == 2
