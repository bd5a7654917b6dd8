"""The HTTP entrypoint's own errors are JSON: a stopping container says 503 with Retry-After."""
import json

import pytest

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


def test_an_ack_on_a_socket_the_broker_closed_does_not_kill_the_container():
    """nameko guards the ack against AMQP's own ConnectionError only; a closed socket raises
    an OSError there, which would end the worker with an error and kill the container."""
    from types import SimpleNamespace

    from nameko.messaging import QueueConsumer

    from pathways.runtime.entrypoints import EventHandler

    def broken_pipe():
        raise BrokenPipeError(32, "Broken pipe")
    message = SimpleNamespace(channel=SimpleNamespace(connection=object()), ack=broken_pipe)
    handler = EventHandler("intake", "ParticipantEnrolled")
    handler.container = SimpleNamespace(service_name="reporting")
    # nameko's own ack, with its guard against AMQP's ConnectionError only
    handler.queue_consumer = SimpleNamespace(
        ack_message=lambda m: QueueConsumer.ack_message(None, m))
    with pytest.raises(BrokenPipeError):           # what stock nameko lets through
        QueueConsumer.ack_message(None, message)
    assert handler.handle_result(message, None, "done", None) == ("done", None)
