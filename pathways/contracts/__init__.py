"""Event contracts: the envelope, payload schemas per (type, version), upcasters."""
from pathways.contracts.envelope import ACTOR_TYPES, EnvelopeSchema, EventDraftSchema, new_event
from pathways.contracts.registry import (REGISTRY, ContractError, InvalidEvent, Registry,
                                         UnknownEventType)

__all__ = ["ACTOR_TYPES", "EnvelopeSchema", "EventDraftSchema", "new_event", "REGISTRY",
           "ContractError", "InvalidEvent", "Registry", "UnknownEventType"]
