"""A service rides through RabbitMQ going away and coming back, however often: an RPC reply that
cannot be published is dropped (the caller times out), not a reason to kill the container; HTTP
that needs no broker answers throughout; RPC works again once the broker is back."""
import eventlet
import requests
from nameko.standalone.rpc import ServiceRpcProxy

from pathways.runtime.entrypoints import http, rpc
from tests.support import rabbitmqctl, wait_until


class Napper:
    name = "napper"

    @rpc
    def nap(self, seconds):
        eventlet.sleep(seconds)
        return "rested"

    @http("GET", "/ping")
    def ping(self, request):
        return 200, "pong"


def test_three_broker_restarts_with_replies_in_flight_leave_the_service_up(
        container_factory, rabbit_config, web_config, web_config_port):
    config = {**rabbit_config, **web_config}
    container = container_factory(Napper, config)
    container.start()
    base = f"http://127.0.0.1:{web_config_port}"

    def rpc_works():
        try:
            with ServiceRpcProxy("napper", config, timeout=5) as proxy:
                return proxy.nap(0) == "rested"
        except Exception:
            return False

    def call_in_flight():
        try:
            with ServiceRpcProxy("napper", config, timeout=20) as proxy:
                return proxy.nap(3)
        except Exception as err:     # the caller hears of the outage: a timeout or a lost link
            return err

    for _ in range(3):
        caller = eventlet.spawn(call_in_flight)
        eventlet.sleep(1)                               # the worker is napping now
        rabbitmqctl("stop_app")
        try:
            eventlet.sleep(4)                           # its reply finds no broker
            assert not container._died.ready(), "the container was killed"
            assert requests.get(f"{base}/ping", timeout=5).text == "pong"
        finally:
            rabbitmqctl("start_app")
            rabbitmqctl("await_startup")
        caller.wait()
        wait_until(rpc_works, timeout=90, what="RPC to work again after the broker restart")
        assert not container._died.ready(), "the container was killed"
