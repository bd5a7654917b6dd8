"""Services as `pathways-service` processes of their own, as they run in production: killed and
started at will, tried from outside."""
import os
import signal
import subprocess
import sys
import time

import requests
import yaml

from tests.support import ROOT, free_port, wait_until

CLASSES = {"intake": "IntakeService", "employer": "EmployerService",
           "placement": "PlacementService", "reporting": "ReportingService"}
"""The services the load and fault tests run as processes (notify only where a test asks)."""
NAMES = {**CLASSES, "notify": "NotifyService"}


class Instance:
    """One `pathways-service` process of a service, on its own port; killed and started at will."""

    def __init__(self, service, index, config, tmp_path):
        self.service, self.index = service, index
        self.port = free_port()   # kept across restarts
        self.base = f"http://127.0.0.1:{self.port}"
        self.config = tmp_path / f"{service}-{index}.yaml"
        self.config.write_text(yaml.safe_dump({
            **config, "WEB_SERVER_ADDRESS": f"127.0.0.1:{self.port}",
            "LOGGING": {"version": 1, "disable_existing_loggers": False,
                        "handlers": {"err": {"class": "logging.StreamHandler"}},
                        "root": {"level": "WARNING", "handlers": ["err"]}}}))
        self.log = tmp_path / f"{service}-{index}.log"
        self.proc, self.down = None, []     # downtime windows: [killed at, up again at]

    def start(self):
        self.proc = subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "pathways-service"), "--config",
             str(self.config), f"services.{self.service}.service:{NAMES[self.service]}"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(self.log, "a"))

    def up(self):
        try:
            return requests.get(self.base + "/openapi.json", timeout=2).ok
        except requests.RequestException:
            return False

    def kill_and_restart(self):
        killed = time.monotonic()
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.start()
        wait_until(self.up, timeout=60, what=f"{self.service}-{self.index} to start again")
        self.down.append((killed, time.monotonic() + 1))

    def was_down(self, at):
        return any(start <= at <= end for start, end in self.down)
