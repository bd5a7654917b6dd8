"""Payload schemas per (type, schema_version), and upcasters from old versions to the newest.

Producers validate strictly (unknown payload fields are an error); consumers validate tolerantly
(unknown fields dropped) and receive every event upcast to the newest version they know. Old
versions stay in the store as written: upcasting happens on read only.
"""
from marshmallow import EXCLUDE, RAISE, ValidationError

from pathways.contracts.envelope import EnvelopeSchema, EventDraftSchema


class ContractError(Exception):
    """An event does not match any contract this process knows."""

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.errors = errors or {}


class UnknownEventType(ContractError):
    pass


class InvalidEvent(ContractError):
    pass


_DRAFT = EventDraftSchema()
_ENVELOPE = EnvelopeSchema(unknown=EXCLUDE)
_ENVELOPE_KEYS = frozenset(_ENVELOPE.fields)


class Registry:
    def __init__(self):
        self._schemas = {}    # (type, version) -> Schema class
        self._instances = {}  # (type, version, unknown) -> Schema instance (they are reusable)
        self._keys = {}       # id(schema instance) -> the keys its dump writes
        self._upcasters = {}  # (type, from_version) -> fn(payload) -> payload of from_version + 1
        self._owners = {}     # type -> the service that publishes it
        self._events = {}     # type -> the event class of its newest version

    def register(self, type, version, schema_cls, module=None):
        key = (type, version)
        if key in self._schemas:
            raise ValueError(f"contract {type} v{version} registered twice")
        self._schemas[key] = schema_cls
        module = module or schema_cls.__module__
        if module.startswith("pathways.contracts."):   # pathways.contracts.<publishing service>
            self._owners[type] = module.rsplit(".", 1)[1]
        return schema_cls

    def register_event(self, cls):
        """An event class (``pathways.contracts.events.Event``): its schema, and the class that
        events of its type are read as when it is the newest version."""
        self.register(cls.type, cls.version, cls.Schema, module=cls.__module__)
        newest = self._events.get(cls.type)
        if newest is None or newest.version < cls.version:
            self._events[cls.type] = cls
        return cls

    def event_class(self, type):
        if type not in self._events:
            raise UnknownEventType(f"unknown event type {type!r}")
        return self._events[type]

    def event(self, envelope):
        """An envelope from this service's own log (validated when it was written) as an
        instance of its type's newest event class, upcast on the way; ``.envelope`` keeps the
        rest (occurred_at, org, position, ...)."""
        cls = self.event_class(envelope["type"])
        event = cls(**self._upcast(envelope["type"], envelope.get("schema_version", 1),
                                   envelope["payload"], cls.version))
        event.envelope = envelope
        return event

    def contract(self, type, version=1):
        """Class decorator: ``@registry.contract("ParticipantEnrolled", 1)``."""
        return lambda schema_cls: self.register(type, version, schema_cls)

    def upcaster(self, type, from_version):
        def deco(fn):
            self._upcasters[(type, from_version)] = fn
            return fn
        return deco

    def latest_version(self, type):
        versions = [v for (t, v) in self._schemas if t == type]
        if not versions:
            raise UnknownEventType(f"unknown event type {type!r}")
        return max(versions)

    def owner(self, type):
        """The service that publishes events of ``type`` (whose contract module declares it)."""
        if type not in self._owners:
            raise UnknownEventType(f"unknown event type {type!r}")
        return self._owners[type]

    def knows(self, type, version=None):
        if version is None:
            return any(t == type for (t, _) in self._schemas)
        return (type, version) in self._schemas

    def types(self):
        return sorted({t for (t, _) in self._schemas})

    def contracts(self, owner=None):
        """``[(type, version, schema class)]``, sorted; only ``owner``'s if given."""
        return [(t, v, cls) for (t, v), cls in sorted(self._schemas.items())
                if owner is None or self._owners.get(t) == owner]

    def _schema(self, type, version, unknown):
        key = (type, version, unknown)
        if key in self._instances:
            return self._instances[key]
        if (type, version) in self._schemas:
            schema = self._instances[key] = self._schemas[(type, version)](unknown=unknown)
            return schema
        if self.knows(type):
            raise UnknownEventType(
                f"unknown schema_version {version} of event type {type!r} "
                f"(known: {sorted(v for (t, v) in self._schemas if t == type)})")
        raise UnknownEventType(f"unknown event type {type!r}")

    def _dumped_keys(self, schema):
        keys = self._keys.get(id(schema))
        if keys is None:
            keys = self._keys[id(schema)] = frozenset(
                f.data_key or name for name, f in schema.dump_fields.items())
        return keys

    def validate_draft(self, draft):
        """Strict producer check of an event draft and its payload; returns the normalised draft."""
        try:
            draft = _DRAFT.load(draft)
        except ValidationError as err:
            raise InvalidEvent(f"invalid event envelope: {err.messages}", err.messages) from None
        schema = self._schema(draft["type"], draft["schema_version"], RAISE)
        try:
            draft["payload"] = schema.dump(schema.load(draft["payload"]))
        except ValidationError as err:
            raise InvalidEvent(
                f"invalid payload for {draft['type']} v{draft['schema_version']}: {err.messages}",
                {"payload": err.messages}) from None
        return draft

    def read(self, envelope, trusted_envelope=False):
        """Tolerant consumer read: validate envelope and payload, upcast to the newest version.

        ``trusted_envelope``: the envelope comes from a log's own feed (the store built it and the
        hash chain vouches for it), so only its presence is checked; the payload is always
        validated against its contract. Replays use it: it halves their cost.
        """
        if not isinstance(envelope, dict):
            raise InvalidEvent(f"event must be an object, got {type(envelope).__name__}")
        if trusted_envelope:
            missing = _ENVELOPE_KEYS.difference(envelope)
            if missing:
                raise InvalidEvent(f"invalid event envelope: missing {sorted(missing)}")
            env = {k: envelope[k] for k in _ENVELOPE_KEYS}
            if not isinstance(env["payload"], dict):
                raise InvalidEvent("invalid event envelope: payload must be an object")
        else:
            try:
                env = _ENVELOPE.load(envelope)
            except ValidationError as err:
                raise InvalidEvent(f"invalid event envelope: {err.messages}",
                                   err.messages) from None
        type_, version = env["type"], env["schema_version"]
        schema = self._schema(type_, version, EXCLUDE)
        try:
            loaded = schema.load(env["payload"])
            if trusted_envelope and env["payload"].keys() == self._dumped_keys(schema):
                # As the store wrote it: dumped from its contract at append (every field, none
                # more), and it has just passed that contract again. Dumping it once more would
                # give the same payload at a third of a replay's cost.
                payload = dict(env["payload"])
            else:
                payload = schema.dump(loaded)
        except ValidationError as err:
            raise InvalidEvent(f"invalid payload for {type_} v{version}: {err.messages}",
                               {"payload": err.messages}) from None
        latest = self.latest_version(type_)
        env["payload"] = self._upcast(type_, version, payload, latest)
        env["schema_version"] = latest
        return env

    def _upcast(self, type_, version, payload, latest):
        """``payload`` of ``type_`` v``version`` brought up to v``latest``, one upcaster a step."""
        while version < latest:
            up = self._upcasters.get((type_, version))
            if up is None:
                raise UnknownEventType(f"no upcaster for {type_} v{version} -> v{version + 1}")
            payload, version = up(payload), version + 1
        return payload


REGISTRY = Registry()
"""The platform's contracts; event modules under pathways.contracts register into it."""
