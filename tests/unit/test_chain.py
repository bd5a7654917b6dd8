import copy

from pathways.eventstore.chain import GENESIS, commit_hash, verify_commits


def chain_of(n, events_per_commit=1):
    commits, prev, position = [], GENESIS, 1
    for i in range(n):
        c = {"_id": position, "commit_id": f"c{i}", "source": "intake", "stream_id": f"s{i % 3}",
             "stream_version": i // 3 + 1, "recorded_at": "2026-01-01T00:00:00.000000Z",
             "count": events_per_commit,
             "events": [{"type": "Counted", "payload": {"amount": i, "k": j}}
                        for j in range(events_per_commit)], "prev": prev}
        c["hash"] = prev = commit_hash(c)
        commits.append(c)
        position += events_per_commit
    return commits


def test_intact_chain_verifies_and_reports_its_head():
    commits = chain_of(5, events_per_commit=2)
    result = verify_commits(commits)
    assert result.ok and result.checked == 5 and result.head_position == 10
    assert result.head_hash == commits[-1]["hash"]


def test_hash_ignores_key_order_but_not_content():
    c = chain_of(1)[0]
    reordered = dict(reversed(list(c.items())))
    assert commit_hash(reordered) == commit_hash(c)
    changed = copy.deepcopy(c)
    changed["events"][0]["payload"]["amount"] = 99
    assert commit_hash(changed) != commit_hash(c)


def test_edited_commit_is_named():
    commits = chain_of(6)
    commits[3]["events"][0]["payload"]["amount"] = 1000
    result = verify_commits(commits)
    assert not result.ok and result.bad_position == 4 and "edited" in result.reason


def test_commit_rewritten_with_a_fresh_hash_is_named():
    commits = chain_of(6)
    commits[2]["events"][0]["payload"]["amount"] = 1000
    commits[2]["hash"] = commit_hash(commits[2])
    result = verify_commits(commits)
    assert not result.ok and result.bad_position == 3


def test_deleted_commit_is_named():
    commits = chain_of(6, events_per_commit=2)
    del commits[2]  # positions 5-6
    result = verify_commits(commits)
    assert not result.ok and result.bad_position == 5 and "missing" in result.reason


def test_seal_catches_commits_cut_off_the_end():
    commits = chain_of(6)
    seal = {"position": 6, "hash": commits[-1]["hash"]}
    assert verify_commits(commits, seal=seal).ok
    result = verify_commits(commits[:4], seal=seal)
    assert not result.ok and result.bad_position == 6 and "removed" in result.reason
