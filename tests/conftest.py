"""Root conftest. eventlet must patch before anything imports socket/threading (nameko's pytest
plugin no longer does it). Servers come from deploy/local/servers via the environment: a test that
needs one fails loudly when it is missing, never skips."""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import os  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402
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
    from pymongo import MongoClient
    client = MongoClient(mongo_uri, serverSelectionTimeoutMS=5000, tz_aware=True)
    yield client
    client.close()


@pytest.fixture
def db_prefix(mongo_client):
    """A fresh database prefix per test; every database under it is dropped afterwards."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    yield prefix
    for name in mongo_client.list_database_names():
        if name.startswith(prefix):
            mongo_client.drop_database(name)


@pytest.fixture
def db(mongo_client, db_prefix):
    return mongo_client[f"{db_prefix}_test"]


@pytest.fixture
def registry():
    return make_registry()
