"""AsyncAPI 3.0 documents of the events a service publishes, from the contracts in the registry:
one channel per event type (its routing key on the service's topic exchange), one message per
schema version (the envelope, with the version's payload schema)."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from pathways.contracts import REGISTRY
from pathways.contracts.envelope import EnvelopeSchema
from pathways.messaging.publisher import exchange_name

AMQP = "0.3.0"   # the AMQP bindings' version
ABOUT = """Every event {service} records, published to RabbitMQ once it is in the service's log:
the topic exchange `{exchange}`, with the event type as routing key, persistent, JSON, the
`message_id` the event id. Delivery over the broker is at least once and may come out of order
or twice: order and deduplicate by `position` (one sequence per source, without gaps), and read
a gap from the service's feed `GET /events?after=N`, which is the authority. The partner guide
(docs/partners.md in the repository) shows how, with the kernel's consumer or without it.

Versions: a new `schema_version` of a type is a new message on the same channel; older versions
stay in the log as written, and the kernel's consumer upcasts them on read."""


def build(service, registry=REGISTRY):
    """The AsyncAPI document of ``service``'s events."""
    # An OpenAPI 3.1 spec only to turn marshmallow schemas into JSON Schema (null as a type),
    # with nested schemas as components under the same path AsyncAPI uses.
    spec = APISpec("events", "1", "3.1.0", plugins=[MarshmallowPlugin()])
    exchange = exchange_name(service)
    spec.components.schema("Envelope", schema=EnvelopeSchema, description=(
        "The event envelope (DESIGN.md §2); `payload` is the type's."))
    messages, channels, operations = {}, {}, {}
    for type_, version, schema in registry.contracts(owner=service):
        name = f"{type_}V{version}"
        spec.components.schema(name, schema=schema)
        messages[name] = {
            "name": type_, "title": f"{type_} v{version}", "contentType": "application/json",
            "summary": (schema.__doc__ or f"{type_}, schema version {version}").strip()
            .splitlines()[0],
            "correlationId": {"location": "$message.payload#/correlation_id"},
            "payload": {"allOf": [
                {"$ref": "#/components/schemas/Envelope"},
                {"type": "object", "properties": {
                    "type": {"const": type_}, "schema_version": {"const": version},
                    "source": {"const": service},
                    "payload": {"$ref": f"#/components/schemas/{name}"}}}]},
            "bindings": {"amqp": {"messageType": type_, "bindingVersion": AMQP}}}
        channel = channels.setdefault(type_, {
            "address": type_, "title": type_, "messages": {},
            "description": f"routing key `{type_}` on the topic exchange `{exchange}`",
            "bindings": {"amqp": {"is": "routingKey", "bindingVersion": AMQP, "exchange": {
                "name": exchange, "type": "topic", "durable": True, "autoDelete": False,
                "vhost": "/"}}}})
        channel["messages"][name] = {"$ref": f"#/components/messages/{name}"}
    for type_, channel in channels.items():
        operations[f"publish{type_}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{type_}"},
            "summary": f"{service} publishes {type_} once it is in its log",
            "messages": [{"$ref": f"#/channels/{type_}/messages/{name}"}
                         for name in channel["messages"]],
            "bindings": {"amqp": {"deliveryMode": 2, "bindingVersion": AMQP}}}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": f"Pathways {service} events", "version": "1.0.0",
                 "description": ABOUT.format(service=service, exchange=exchange)},
        "defaultContentType": "application/json",
        "servers": {"rabbitmq": {
            "host": "{host}", "protocol": "amqp", "protocolVersion": "0.9.1",
            "description": "the deployment's RabbitMQ",
            "variables": {"host": {"default": "rabbitmq:5672",
                                   "description": "host:port of the deployment's broker"}}}},
        "channels": channels, "operations": operations,
        "components": {"schemas": spec.to_dict()["components"]["schemas"],
                       "messages": messages}}
