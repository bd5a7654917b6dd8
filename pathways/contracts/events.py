"""Events as classes: one declaration names the type (the class name), the schema version and the
payload's fields (marshmallow fields, checked strictly when written and tolerantly when read).

    class ParticipantEnrolled(EnrolmentRef):             # version 1, registered on import
        start_date = fields.Date(required=True)

    class CaseClosedV1(CaseRef, type="CaseClosed", version=1): ...   # an older version, kept
    class CaseClosed(CaseClosedV1, version=2): ...                     # for reading old events

Deciders return instances (``ParticipantEnrolled(run_id=..., ...)``), folds match on the class;
the log stores the type, the version and the payload, as before."""
from typing import Any, ClassVar

from marshmallow import Schema
from marshmallow import fields as ma


class Event:
    type: ClassVar[str]
    version: ClassVar[int]
    Schema: ClassVar[type[Schema]]
    fields: ClassVar[dict[str, ma.Field]] = {}
    envelope: dict | None = None   # the stored envelope (occurred_at, org, ...), once read

    def __init_subclass__(cls, type=None, version=1, abstract=False, registry=None, **kw):
        super().__init_subclass__(**kw)
        own = {k: v for k, v in vars(cls).items() if isinstance(v, ma.Field)}
        for name in own:
            delattr(cls, name)   # an instance's payload values take their place
        cls.fields = {**cls.fields, **own}
        if abstract:
            return
        cls.type, cls.version = type or cls.__name__, version
        cls.Schema = Schema.from_dict(cls.fields, name=f"{cls.type}V{version}")
        cls.__match_args__ = tuple(cls.fields)
        if registry is None:
            from pathways.contracts.registry import REGISTRY as registry
        registry.register_event(cls)

    def __init__(self, **payload: Any):
        unknown = set(payload).difference(self.fields)
        if unknown:
            raise TypeError(f"{self.type} has no field {', '.join(sorted(unknown))}")
        self.__dict__.update(payload)

    @property
    def payload(self) -> dict[str, Any]:
        return {name: self.__dict__[name] for name in self.fields if name in self.__dict__}

    @property
    def occurred_on(self) -> str | None:
        """The business date the event happened on, where it was read from the log."""
        occurred = (self.envelope or {}).get("occurred_at")
        return occurred[:10] if occurred else None

    def __eq__(self, other):
        return type(self) is type(other) and self.payload == other.payload

    def __repr__(self):
        return f"{self.type}({', '.join(f'{k}={v!r}' for k, v in self.payload.items())})"
