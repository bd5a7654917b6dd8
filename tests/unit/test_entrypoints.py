"""The HTTP entrypoint's own errors are JSON: a stopping container says 503 with Retry-After."""
import json

from nameko.exceptions import ContainerBeingKilled

from pathways.runtime.entrypoints import HttpRequestHandler


def test_a_stopping_container_answers_json_503_with_retry_after():
    handler = HttpRequestHandler("GET", "/x")
    resp = handler.response_from_exception(ContainerBeingKilled())
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "2"
    assert resp.mimetype == "application/json"
    assert json.loads(resp.get_data(as_text=True))["error"] == "unavailable"
    other = handler.response_from_exception(RuntimeError("boom at /secret/path"))
    assert other.status_code == 500 and "boom" not in other.get_data(as_text=True)
