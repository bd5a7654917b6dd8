"""Delivery: outbox relay (log -> RabbitMQ) and the ordered, idempotent consumer."""
from pathways.messaging.consumer import Consumer
from pathways.messaging.effects import apply_once
from pathways.messaging.lease import Lease
from pathways.messaging.publisher import ConfirmingPublisher, PublishError, exchange_name
from pathways.messaging.relay import Relay

__all__ = ["Consumer", "apply_once", "Lease", "ConfirmingPublisher", "PublishError",
           "exchange_name", "Relay"]
