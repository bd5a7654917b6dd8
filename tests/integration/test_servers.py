"""The project's server tooling: `deploy/local/servers start` is idempotent, also after a fault
test was interrupted halfway and left this checkout's RabbitMQ node with its app stopped."""
import os
import subprocess

import kombu

from tests.support import ROOT, rabbitmqctl


def test_start_brings_back_a_node_whose_app_was_left_stopped(rabbit_config):
    rabbitmqctl("stop_app")
    try:
        done = subprocess.run([os.path.join(ROOT, "deploy", "local", "servers"), "start"],
                              capture_output=True, text=True, timeout=300)
    finally:
        subprocess.run([os.path.join(ROOT, "deploy", "local", "servers"), "rabbitmqctl",
                        "start_app"], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "app stopped: starting the app" in done.stderr
    with kombu.Connection(rabbit_config["AMQP_URI"], connect_timeout=10) as conn:
        conn.connect()
        assert conn.connected
