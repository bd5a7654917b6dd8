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


def test_a_consumer_whose_handlers_and_subscriptions_differ_does_not_start():
    from types import SimpleNamespace

    from pathways.runtime.dependencies import Inbox
    from pathways.runtime.entrypoints import EventHandler
    inbox = Inbox(["intake"], None)
    inbox.container = SimpleNamespace(service_name="placement", entrypoints=[
        EventHandler("intake", "EnrolmentEnded"), EventHandler("intake", "EnrolmentVoided")])
    inbox._check({"EnrolmentEnded", "EnrolmentVoided"})   # they match: fine
    with pytest.raises(ValueError) as err:
        inbox._check({"EnrolmentEnded", "EnrolmentEndet"})  # misspelt, one forgotten
    assert "handles ['EnrolmentEndet'] without subscribing" in str(err.value)
    assert "subscribes to ['EnrolmentVoided'] without a handler" in str(err.value)
    inbox.container.entrypoints.append(EventHandler("placement", "CaseClosed"))
    with pytest.raises(ValueError, match=r"handles \['CaseClosed'\] from a source it does not"):
        inbox._check({"EnrolmentEnded", "EnrolmentVoided", "CaseClosed"})


def test_on_events_subscribes_each_type_at_the_service_that_publishes_it():
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

    from pathways.contracts import Registry, UnknownEventType
    from pathways.contracts.events import Event
    from pathways.contracts.intake import EnrolmentEnded
    from pathways.contracts.placement import CaseClosed
    from pathways.runtime.entrypoints import on_events

    @on_events((CaseClosed, EnrolmentEnded))
    def handler(self, event):
        pass
    assert sorted((e.source_service, e.event_type)
                  for e in getattr(handler, ENTRYPOINT_EXTENSIONS_ATTR)) == [
        ("intake", "EnrolmentEnded"), ("placement", "CaseClosed")]
    class Stray(Event, registry=Registry()):   # declared by no service's contracts
        pass
    with pytest.raises(UnknownEventType):
        on_events((Stray,))(handler)


@pytest.mark.parametrize("service, reactions", [
    ("intake", "Intake"), ("employer", "Employers"), ("placement", "Placements")])
def test_each_consumer_subscribes_to_exactly_the_events_its_reactions_map_names(service, reactions):
    import importlib

    from nameko.events import EventHandler

    from pathways.contracts import REGISTRY
    module = importlib.import_module(f"services.{service}.service")
    app = getattr(importlib.import_module(f"services.{service}.app"), reactions)
    cls = next(c for c in vars(module).values() if getattr(c, "name", None) == service)
    subscribed = {(e.source_service, e.event_type) for e in cls.on_event.nameko_entrypoints
                  if isinstance(e, EventHandler)}
    assert subscribed == {(REGISTRY.owner(c.type), c.type) for c in app.REACTIONS}
    assert all(callable(fn) for fn in app.REACTIONS.values())
