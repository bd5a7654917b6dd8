"""The hash chain over commits: canonical form, hashing, and verification.

A commit's ``hash`` is SHA-256 over the canonical JSON of the stored commit (every field but
``hash``, including ``prev``, the previous commit's hash). The chain is computed over what is stored
(payloads encrypted where they are), so shredding a key never breaks it.
"""
import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64


def canonical(commit):
    body = {k: v for k, v in commit.items() if k != "hash"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def commit_hash(commit):
    return hashlib.sha256(canonical(commit)).hexdigest()


@dataclass
class Verification:
    ok: bool
    checked: int            # commits checked
    head_position: int      # last event position covered by the checked commits
    head_hash: str
    bad_position: int | None = None
    reason: str | None = None

    def to_dict(self):
        return dict(self.__dict__)


def verify_commits(commits, seal=None):
    """Check commits given in position order: contiguous positions, hashes, ``prev`` links.

    ``seal`` ({"position", "hash"}, published earlier) also proves that nothing was cut off the end.
    Returns a :class:`Verification` naming the first bad position and why.
    """
    expected_pos, prev, prev_pos, checked = 1, GENESIS, 0, 0
    seal_seen = seal is None

    def bad(position, reason):
        return Verification(False, checked, expected_pos - 1, prev, position, reason)

    for c in commits:
        pos = c.get("_id")
        if pos != expected_pos:
            if isinstance(pos, int) and pos > expected_pos:
                return bad(expected_pos, f"commit missing at position {expected_pos} "
                                         f"(next stored commit is at {pos})")
            return bad(expected_pos, f"unexpected position {pos!r} where {expected_pos} was due")
        events = c.get("events")
        if not isinstance(events, list) or not events or c.get("count") != len(events):
            return bad(pos, "commit's events are missing or do not match its count")
        try:
            actual = commit_hash(c)
        except (TypeError, ValueError) as err:
            return bad(pos, f"commit cannot be canonicalised: {err}")
        if c.get("hash") != actual:
            return bad(pos, "content does not match its stored hash (edited)")
        if c.get("prev") != prev:
            # This commit is intact, so its record of the previous hash is the truth.
            return bad(prev_pos or pos, "hash differs from the one the next commit recorded "
                                        "(commit and hash both rewritten)")
        if seal is not None and seal["position"] == pos + len(events) - 1:
            if seal["hash"] != actual:
                return bad(pos, "hash differs from the published seal")
            seal_seen = True
        prev, prev_pos = actual, pos
        expected_pos, checked = expected_pos + len(events), checked + 1
    if not seal_seen:
        return bad(seal["position"], f"log ends at position {expected_pos - 1}, before the "
                                     f"sealed head {seal['position']} (commits removed)")
    return Verification(True, checked, expected_pos - 1, prev)
