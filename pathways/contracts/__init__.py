"""Event contracts: the envelope, payload schemas per (type, version), upcasters.

Each service's contracts live in a module here and register into ``REGISTRY`` on import.
"""
from pathways.contracts.envelope import ACTOR_TYPES, EnvelopeSchema, EventDraftSchema, new_event
from pathways.contracts.registry import (REGISTRY, ContractError, InvalidEvent, Registry,
                                         UnknownEventType)
from pathways.contracts import employer, intake, notify, placement  # noqa: E402,F401  (register)

__all__ = ["ACTOR_TYPES", "EnvelopeSchema", "EventDraftSchema", "new_event", "REGISTRY",
           "ContractError", "InvalidEvent", "Registry", "UnknownEventType"]
