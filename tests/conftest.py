"""Root conftest. eventlet must patch before anything imports socket/threading (nameko's pytest
plugin no longer does it). Servers come from deploy/local/servers via the environment: a test that
needs one fails loudly when it is missing, never skips."""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import os  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402
import pathways.operations.mongo  # noqa: E402
from pathways.operations.mongo import drop  # noqa: E402
from tests.support import make_registry  # noqa: E402


@pytest.fixture(scope="session")
def mongo_uri():
    uri = os.environ.get("MONGO_URI")
    if not uri:
        pytest.fail("MONGO_URI is not set: run the tests with deploy/local/test, which starts "
                    "the MongoDB-wire server (or set MONGO_URI to a MongoDB 7)", pytrace=False)
    from pymongo import MongoClient
    client = MongoClient(uri, serverSelectionTimeoutMS=5000)
    try:
        client.admin.command("ping")
    except Exception as err:
        pytest.fail(f"MongoDB-wire server at {uri} is not reachable: {err}", pytrace=False)
    return uri



@pytest.fixture(scope="session")
def mongo_client(mongo_uri):
    return pathways.operations.mongo.mongo_client(mongo_uri)


@pytest.fixture
def db_prefix():
    """A fresh database prefix per test (services' databases are ``<prefix>_<service>``)."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def database(mongo_client, db_prefix):
    """Open databases under this test's prefix; all dropped afterwards."""
    opened = []

    def open_database(suffix):
        db = mongo_client[f"{db_prefix}_{suffix}"]
        opened.append(db)
        return db
    yield open_database
    for db in opened:
        drop(db)


@pytest.fixture
def db(database):
    return database("test")


@pytest.fixture
def registry():
    return make_registry()


def pytest_unconfigure(config):
    # Handlers freed during interpreter shutdown would take logging's lock through eventlet's
    # already-finalised green threading and print noise; flush and forget them first.
    import logging
    logging.shutdown()
    logging._handlerList.clear()
