"""nameko entrypoints that ride through a broker restart, and answer JSON when they cannot help.

nameko kills the whole service container when a worker's RPC reply cannot be published (the
broker went away while the worker ran): HTTP callers of that container then get errors and the
process dies. Here such a reply is logged and dropped instead; the caller's own RPC timeout tells
it, and the request message, never acknowledged, is redelivered once the broker is back (RPC is
at-least-once under broker failure, as it is in nameko: commands over RPC must tolerate a repeat).
"""
import json
import logging

from nameko import events as nameko_events
from nameko import rpc as nameko_rpc
from nameko.exceptions import ContainerBeingKilled
from nameko.web import handlers as nameko_http
from werkzeug.wrappers import Response

from pathways.operations.settings import queue_type_of
from pathways.runtime.webserver import BoundedWebServer

log = logging.getLogger(__name__)


def _typed(queue, container):
    """A durable, shared queue as the type ``AMQP_QUEUE_TYPE`` asks for: ``quorum`` queues are
    replicated over a RabbitMQ cluster's nodes and survive the loss of a minority of them."""
    queue_type = queue_type_of(container.config)
    if queue_type != "classic" and queue.durable and not (queue.exclusive or queue.auto_delete):
        queue.queue_arguments = {**(queue.queue_arguments or {}), "x-queue-type": queue_type}


class RpcConsumer(nameko_rpc.RpcConsumer):
    def setup(self):
        super().setup()
        _typed(self.queue, self.container)


class Rpc(nameko_rpc.Rpc):
    rpc_consumer = RpcConsumer()

    def handle_result(self, message, worker_ctx, result, exc_info):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except Exception as err:  # the broker is unreachable: the service stays up
            log.warning("%s: could not send the RPC reply of %s (broker unreachable: %r); "
                        "the caller times out", self.container.service_name,
                        worker_ctx.entrypoint.method_name, err)
            return result, exc_info


rpc = Rpc.decorator


class EventHandler(nameko_events.EventHandler):
    """nameko's event handler, with the acknowledgement guarded: nameko catches only AMQP's own
    ConnectionError there, and an ack on a socket the broker just closed raises an OSError
    (broken pipe, reset), which kills the container. The message is redelivered once the broker
    is back; it is a hint anyway (the consumer orders and dedups by position)."""

    def setup(self):
        super().setup()
        _typed(self.queue, self.container)

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        try:
            return super().handle_result(message, worker_ctx, result, exc_info)
        except Exception as err:  # the broker is unreachable: the service stays up
            log.warning("%s: could not acknowledge an event of %s (broker unreachable: %r)",
                        self.container.service_name, self.source_service, err)
            return result, exc_info


event_handler = EventHandler.decorator


def on_events(event_classes):
    """One event handler entrypoint per event class (e.g. the keys of a consumer's REACTIONS),
    each subscribed at the service that publishes it (the contract module that declares it):
    a consumer's map of reactions is its one declaration of what it subscribes to."""
    from pathways.contracts import REGISTRY

    def decorate(fn):
        for cls in event_classes:
            fn = event_handler(REGISTRY.owner(cls.type), cls.type)(fn)
        return fn
    return decorate


def subscribed_types(container):
    """The event types a container's event handler entrypoints subscribe to."""
    return {e.event_type for e in container.entrypoints
            if isinstance(e, nameko_events.EventHandler)}


class HttpRequestHandler(nameko_http.HttpRequestHandler):
    """nameko's HTTP entrypoint, with its own errors as JSON: a container that is stopping answers
    503 with Retry-After (a supervisor brings it back), anything else nameko catches is a 500
    without a traceback. The services' handlers map their own errors (``json_endpoint``). Its
    web server is bounded (``pathways.runtime.webserver``): slow clients cannot starve it."""

    server = BoundedWebServer()

    def response_from_exception(self, exc):
        if isinstance(exc, ContainerBeingKilled):
            status, body = 503, {"error": "unavailable",
                                 "message": "the service is restarting; try again shortly"}
        elif isinstance(exc, self.expected_exceptions):
            status, body = 400, {"error": "bad_request", "message": str(exc)}
        else:
            log.error("HTTP entrypoint failed outside its handler: %r", exc)
            status, body = 500, {"error": "internal", "message": "unexpected error"}
        headers = {"Retry-After": "2"} if status == 503 else {}
        return Response(json.dumps(body), status=status, headers=headers,
                        mimetype="application/json")


http = HttpRequestHandler.decorator
