"""The employer registry is shared; each organisation's relationship with an employer (its
contact person) is its own: encrypted at rest, erasable, every read or attempt recorded, and never
stored without its employer's event (nor the other way round)."""
import pytest

from pathways.eventstore import EventStore
from pathways.security.privacy import SealedRecords
from services.employer.app import Employers
from tests.integration.employer.conftest import FIRM

PATH = "/employers/NO-988077917"


def test_only_the_registering_organisation_changes_the_registry_and_each_keeps_its_own_contact(
        api, dbs):
    co, cw_b = api["coordinator-a"], api["caseworker-b"]
    co.call("POST", "/employers", FIRM, expect=201)
    head = EventStore(dbs["employer"], "employer").head()
    # org B sees the shared registry entry, not org A's contact person
    seen = cw_b.call("GET", PATH)
    assert seen["name"] == "Fjord Verksted AS" and seen["contact_on_file"] is False
    cw_b.call("GET", f"{PATH}/contact", params={"purpose": "curious"}, expect=404)
    # org B may neither rename the employer nor touch org A's contact
    refused = cw_b.call("PATCH", PATH, {"name": "Hijacked AS"}, expect=403)
    assert "registered" in refused["message"]
    assert EventStore(dbs["employer"], "employer").head() == head
    # org B keeps a contact of its own there; org A's stays as it was
    cw_b.call("PATCH", PATH, {"contact": {"name": "Eva Berg", "email": "eva@fjord.no"}})
    assert cw_b.call("GET", f"{PATH}/contact", params={"purpose": "book a visit"})["name"] == \
        "Eva Berg"
    assert co.call("GET", f"{PATH}/contact", params={"purpose": "book a visit"})["name"] == \
        "Per Hansen"
    # the registering organisation renames it; everyone sees the new name
    co.call("PATCH", PATH, {"name": "Fjord Verksted ASA"})
    assert cw_b.call("GET", PATH)["name"] == "Fjord Verksted ASA"
    # at rest, contacts are ciphertext
    for doc in dbs["employer"]["contacts"].find({}):
        assert b"Per Hansen" not in bytes(doc["sealed"]) and "Per Hansen" not in str(doc)
    # erasure shreds the key: unreadable afterwards
    cw_b.call("PATCH", PATH, {"contact": None})
    cw_b.call("GET", f"{PATH}/contact", params={"purpose": "book a visit"}, expect=404)
    assert dbs["employer_keys"]["contact_keys"].count_documents({"_id": "org-b|NO-988077917"}) == 0
    log = [(a["who"], a["why"], a.get("refused"))
           for a in dbs["employer"]["access_log"].find({}, sort=[("when", 1)])]
    assert log == [("cw-b", "curious", "NotFoundError"), ("cw-b", "book a visit", None),
                   ("co-a", "book a visit", None), ("cw-b", "book a visit", "NotFoundError")]


class Failing:
    """Wraps an object so that one method raises, as a lost connection would."""

    def __init__(self, inner, method):
        self._inner, self._method = inner, method

    def __getattr__(self, name):
        if name == self._method:
            def fail(*args, **kwargs):
                raise ConnectionError(f"{name} failed")
            return fail
        return getattr(self._inner, name)


@pytest.fixture
def app(database):
    db, keys = database("employer"), database("employer_keys")
    store = EventStore(db, "employer").ensure_indexes()
    contacts = SealedRecords(db["contacts"], keys["contact_keys"], b"k" * 32)
    return Employers(store, db, contacts, db["access_log"]), store, db


def test_a_failed_event_leaves_no_contact_and_a_failed_contact_leaves_no_event(app):
    from pathways.security.callers import Caller
    employers, store, db = app
    caller = Caller("org-a", "coordinator", "co-a")
    employers.store = employers.commands.store = Failing(store, "append")
    with pytest.raises(ConnectionError):
        employers.register_employer(caller, FIRM)
    assert db["contacts"].count_documents({}) == 0 and store.head()["position"] == 0
    employers.store = employers.commands.store = store
    employers.contacts = Failing(employers.contacts, "store")
    with pytest.raises(ConnectionError):
        employers.register_employer(caller, FIRM)
    assert store.head()["position"] == 0
    # and a failed update puts the contact back as it was
    employers.contacts = employers.contacts._inner
    employers.register_employer(caller, FIRM)
    employers.store = employers.commands.store = Failing(store, "append")
    with pytest.raises(ConnectionError):
        employers.update_employer(caller, "NO-988077917",
                                  {"name": "Renamed", "contact": {"name": "Ola Nilsen"}})
    assert employers.contacts.read("org-a|NO-988077917")["name"] == "Per Hansen"
