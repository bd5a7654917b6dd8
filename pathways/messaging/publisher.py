"""Publishing envelopes to RabbitMQ the way nameko's ``@event_handler`` expects them.

Exchange ``<source>.events`` (topic, durable, as nameko declares it), routing key = event type, JSON
body = the envelope. A batch is published with publisher confirms and waited for as a whole: one
round of confirms per batch instead of one per message.
"""
import json

import kombu

from pathways.errors import PathwaysError


class PublishError(PathwaysError):
    """The broker refused or did not confirm a batch; nothing after the checkpoint is lost."""


def exchange_name(source):
    return f"{source}.events"


class ConfirmingPublisher:
    def __init__(self, amqp_uri, *, confirm_timeout=10.0, connect_timeout=5.0):
        self.amqp_uri, self.confirm_timeout = amqp_uri, confirm_timeout
        self.connect_timeout = connect_timeout
        self._conn = self._channel = None
        self._declared = set()
        self._acked = self._nacked = 0
        self._next_tag = 1

    def _open(self):
        if self._channel is not None:
            return self._channel
        conn = kombu.Connection(self.amqp_uri, connect_timeout=self.connect_timeout)
        conn.connect()
        channel = conn.channel()
        channel.confirm_select()
        channel.events["basic_ack"].add(self._on_ack)
        channel.events["basic_nack"].add(self._on_nack)
        self._conn, self._channel = conn, channel
        self._declared, self._acked, self._nacked, self._next_tag = set(), 0, 0, 1
        return channel

    def _on_ack(self, tag, multiple):
        self._acked = max(self._acked, tag)

    def _on_nack(self, tag, multiple):
        self._nacked = max(self._nacked, tag)

    def close(self):
        conn, self._conn, self._channel = self._conn, None, None
        if conn is not None:
            try:
                conn.release()
            except Exception:  # closing a dead connection: nothing left to save
                pass

    def publish(self, events):
        """Publish envelopes in order and wait until the broker confirmed all of them."""
        if not events:
            return
        try:
            channel = self._open()
            for ev in events:
                name = exchange_name(ev["source"])
                if name not in self._declared:
                    kombu.Exchange(name, type="topic", durable=True, auto_delete=False)(channel).declare()
                    self._declared.add(name)
                body = json.dumps(ev, separators=(",", ":"))
                message = channel.prepare_message(
                    body, content_type="application/json", content_encoding="utf-8",
                    properties={"delivery_mode": 2, "message_id": ev["event_id"],
                                "correlation_id": ev.get("correlation_id")})
                channel.basic_publish(message, exchange=name, routing_key=ev["type"])
                last_tag, self._next_tag = self._next_tag, self._next_tag + 1
            while self._acked < last_tag and not self._nacked:
                self._conn.drain_events(timeout=self.confirm_timeout)
            if self._nacked:
                raise PublishError(f"broker nacked messages up to delivery tag {self._nacked}")
        except PublishError:
            self.close()
            raise
        except Exception as err:
            self.close()
            raise PublishError(f"publish to {self.amqp_uri.split('@')[-1]} failed: {err!r}") from err


__all__ = ["ConfirmingPublisher", "PublishError", "exchange_name"]
