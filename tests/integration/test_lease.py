from pathways.messaging import Lease


def test_one_holder_at_a_time_and_takeover_after_expiry(db):
    now = [1000.0]
    a = Lease(db["leases"], "relay", "a", ttl=10, clock=lambda: now[0])
    b = Lease(db["leases"], "relay", "b", ttl=10, clock=lambda: now[0])
    assert a.acquire() and not b.acquire()
    now[0] += 5
    assert a.acquire() and not b.acquire()       # renewed
    now[0] += 11
    assert b.acquire() and not a.acquire()       # a stopped renewing: b takes over
    b.release()
    assert a.acquire()
