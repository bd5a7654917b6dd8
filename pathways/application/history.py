"""A timeline of one thing's events, for the people who work on it: what happened when (the
business time), when it was recorded, who recorded it, and what it said (codes and dates: events
carry no personal data). Corrections are marked, not merged: the timeline shows what was told."""
IDS = ("run_id", "enrolment_id", "participant_id", "placement_id")
CORRECTIONS = ("EnrolmentDatesCorrected",)


def timeline(envelopes, keep=lambda env: True, limit=500):
    """The newest ``limit`` of ``envelopes`` (a stream, oldest first) that ``keep`` keeps, as
    timeline entries in business order (then as recorded)."""
    entries = [{"type": env["type"], "occurred_at": env["occurred_at"],
                "recorded_at": env["recorded_at"],
                "recorded_by": (env.get("actor") or {}).get("id"),
                "correction": env["type"] in CORRECTIONS,
                "details": {k: v for k, v in env["payload"].items() if k not in IDS}}
               for env in envelopes if keep(env)][-limit:]
    return sorted(entries, key=lambda e: (e["occurred_at"], e["recorded_at"]))
