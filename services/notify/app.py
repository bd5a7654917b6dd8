"""The notify service's use cases, written only against the platform's public contracts (the
employer service's events, through the kernel's consumer), as a partner's own service would be.

- **Subscriptions** (``subscription-<id>`` streams): a caseworker's or coordinator's wish to hear
  of openings shared with their organisation, by e-mail, SMS or webhook. The address is sealed
  (``SealedRecords``), never in an event, erased on cancel.
- **Notifications**: each share of an opening (OpportunityShared, or OpportunityPosted already
  shared) gives every matching active subscription of the organisations it reached one
  notification, by the id ``<subscription>|<event id>``: a repeated event finds it there.
- **Due digests**: a ``due`` subscription gets, once a local day at its hour, the counts of its
  owner's items on the organisation's due list (intake's public ``GET /due``, read by
  ``due_of``), by the id ``<subscription>|due-<day>``; a day with nothing due sends nothing.
- **Delivery**: due notifications are claimed one at a time (a claim lapses after
  CLAIM_SECONDS, so one a killed process held is taken up again), sent, and recorded as a
  NotificationSent event (once: the stream ``notification-<id>`` takes one first event). A
  failure is tried again with backoff; after MAX_ATTEMPTS it is abandoned into the dead-letter
  list, from where an operator may retry it. One receiver failing holds up no other.
"""
import logging
import time
import uuid
from collections import Counter
from datetime import timedelta

from pymongo import ASCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from pathways.application.commands import Commands
from pathways.application.validation import load
from pathways.application.views import SummaryView, page_of, paging
from pathways.contracts.employer import (EmployerRegistered, EmployerUpdated, OpportunityPosted,
                                         OpportunityShared)
from pathways.contracts.notify import (NotificationAbandoned, NotificationSent,
                                       SubscriptionCancelled, SubscriptionCreated)
from pathways.errors import BadRequest, Conflict, NotFoundError
from pathways.eventstore import ConcurrencyError
from pathways.contracts import new_event
from pathways.domain.statistics import spread
from pathways.security.callers import Caller
from pathways.security.privacy import Erased
from pathways.timeutil import iso, parse_iso, utcnow, zone
from services.notify import commands
from services.notify.domain import (MAX_ATTEMPTS, Cancel, DeliveryError, Subscribe, Subscription,
                                    after_quiet_hours, backoff_seconds, decide_subscription,
                                    digest_day, due_counts, due_message, fold_subscription,
                                    message, wants)

SUBSCRIBERS = ("caseworker", "coordinator")
OPERATORS = ("coordinator", "admin")
CLAIM_SECONDS = 60
"""How long a claimed notification is left to its sender before another may take it up."""
DEFAULT_ZONE = zone("Europe/Oslo")
SYSTEM = {"type": "system", "id": "notify"}
log = logging.getLogger(__name__)


class Notify:
    """``channels``: {channel: sender with ``send(address, subject, text, id, payload)``};
    ``partners()``: every partner organisation (an opening shared with all reaches them);
    ``due_of(org, day)``: the organisation's due items on that day (None: no due digests here;
    raises DeliveryError when it cannot be read), linked to at ``due_url``."""

    def __init__(self, store, db, addresses, channels, *, clock=utcnow,
                 zone_of=lambda org: DEFAULT_ZONE, public_url="http://localhost:8002",
                 partners=lambda: set(), due_of=None, due_url="http://localhost:8001/due"):
        self.store, self.addresses, self.channels = store, addresses, channels
        self.clock, self.zone_of, self.public_url = clock, zone_of, public_url.rstrip("/")
        self.partners, self.due_of, self.due_url = partners, due_of, due_url
        self.commands = Commands(store)
        self.subscriptions = SummaryView(
            db, store, "subscriptions_view", (SubscriptionCreated, SubscriptionCancelled),
            fold_subscription, lambda s, org: {**s.view(), "org": org},
            lambda s: s.subscription_id, self.commands)
        self.openings, self.employers = db["openings"], db["employers"]
        self.notifications = db["notifications"]
        self.notifications.create_index([("status", ASCENDING), ("next_at", ASCENDING)])
        self.notifications.create_index([("org", ASCENDING), ("status", ASCENDING)])
        self.due_checks = db["due_checks"]   # <subscription>|<day>: that day's digest is made

    def refresh(self):
        self.subscriptions.refresh()

    # --- subscriptions ----------------------------------------------------------------------------
    def subscribe(self, caller: Caller, data):
        caller.require(*SUBSCRIBERS)
        if data["channel"] not in self.channels:
            raise BadRequest("invalid subscription", {"channel": [
                f"{data['channel']} is not configured here"]})
        if data["topic"] == "due" and self.due_of is None:
            raise BadRequest("invalid subscription", {"topic": [
                "due digests are not configured here (INTAKE_URL)"]})
        subscription_id = str(uuid.uuid4())
        fields = {k: v for k, v in data.items() if k != "address"}
        undo = self.addresses.store(subscription_id, {"address": data["address"]},
                                    org=caller.org)
        try:
            return self.commands.execute(
                caller, f"subscription-{subscription_id}", fold_subscription,
                decide_subscription, Subscribe(subscription_id=subscription_id, owner=caller.id,
                                               **fields),
                "subscription", answer=Subscription.view)
        except BaseException:
            undo()
            raise

    def _subscription(self, caller: Caller, subscription_id):
        found = self.commands.read(f"subscription-{subscription_id}", fold_subscription,
                                   lambda s, _: s.view() if s.exists else None, caller.org)
        if found is None or (caller.role == "caseworker" and found["owner"] != caller.id):
            raise NotFoundError("subscription not found")
        return found

    def get_subscription(self, caller: Caller, subscription_id):
        caller.require(*SUBSCRIBERS, "admin")
        return self._subscription(caller, subscription_id)

    def cancel_subscription(self, caller: Caller, subscription_id, data=None):
        """Opt out: nothing more is sent, and the address is erased."""
        caller.require(*SUBSCRIBERS)
        self._subscription(caller, subscription_id)
        found = self.commands.execute(caller, f"subscription-{subscription_id}",
                                      fold_subscription, decide_subscription, Cancel(),
                                      "subscription", answer=Subscription.view)
        self.addresses.erase(subscription_id)
        return found

    def list_subscriptions(self, caller: Caller, query=None):
        """A caseworker's own; a coordinator's organisation's."""
        caller.require(*SUBSCRIBERS, "admin")
        found = {"org": caller.org}
        if caller.role == "caseworker":
            found["owner"] = caller.id
        return self.subscriptions.page(found, [("subscription_id", 1)], paging(query),
                                       hide=("org",))

    # --- the openings as the employer service tells of them ----------------------------------------
    def on_employer(self, event):
        p = event["payload"]
        self.employers.update_one({"_id": p["employer_id"]}, {"$set": {
            k: p[k] for k in ("name", "municipality") if k in p}}, upsert=True)

    def on_posted(self, event):
        p = event["payload"]
        opening = {k: p[k] for k in ("opportunity_id", "employer_id", "kind", "title",
                                     "hours_per_week")}
        self.openings.update_one({"_id": p["opportunity_id"]},
                                 {"$set": {**opening, "org": event["org"]}}, upsert=True)
        if p["shared"]:
            self._fan_out(event, None)

    def on_shared(self, event):
        self._fan_out(event, event["payload"]["orgs"])

    def _fan_out(self, event, orgs):
        """One notification per matching active subscription of the organisations reached
        (``orgs`` None: every partner), never the posting one's; a repeat adds none."""
        opening = self.openings.find_one({"_id": event["payload"]["opportunity_id"]})
        if opening is None:
            return   # (the posting comes first in employer's log: not reached)
        employer = self.employers.find_one({"_id": opening["employer_id"]}) or {}
        opening = {**opening, "municipality": employer.get("municipality"),
                   "employer_name": employer.get("name")}
        reached = (self.partners() if orgs is None else set(orgs)) - {opening["org"]}
        self.subscriptions.refresh()
        for sub in self.subscriptions.coll.find({"org": {"$in": sorted(reached)},
                                                 "active": True, "topic": {"$ne": "due"}}):
            if not wants(sub, opening):
                continue
            tz = self.zone_of(sub["org"])
            now = self.clock()
            start = after_quiet_hours(sub, now.astimezone(tz))
            try:
                self.notifications.insert_one(self._pending(
                    sub, event["event_id"], start, now, topic="openings",
                    opportunity_id=opening["opportunity_id"],
                    opening={k: opening.get(k) for k in (
                        "opportunity_id", "employer_id", "employer_name", "kind", "title",
                        "hours_per_week", "municipality", "org")},
                    shared_at=event["recorded_at"], due_on=None))
            except DuplicateKeyError:
                pass

    @staticmethod
    def _pending(sub, what, start, now, **told):
        return {"_id": f"{sub['subscription_id']}|{what}", "subscription_id": sub["subscription_id"],
                "org": sub["org"], "owner": sub["owner"], "channel": sub["channel"],
                "language": sub["language"], **told, "status": "pending", "attempts": 0,
                "next_at": iso(start), "created_at": iso(now), "last_error": None}

    # --- due digests ------------------------------------------------------------------------------
    def digest_due(self):
        """Make the due digests whose hour has come today (each organisation's due list read
        once per call, and not at all when no digest is to be made); returns how many were
        made. An organisation whose list cannot be read now is tried at the next call."""
        if self.due_of is None:
            return 0
        self.subscriptions.refresh()
        now, wanted = self.clock(), {}
        for sub in self.subscriptions.coll.find({"active": True, "topic": "due"}):
            local = now.astimezone(self.zone_of(sub["org"]))
            day = digest_day(sub, local)
            if day is not None:
                wanted[f"{sub['subscription_id']}|{day}"] = (sub, day, local)
        if not wanted:
            return 0
        done = {d["_id"] for d in self.due_checks.find({"_id": {"$in": list(wanted)}},
                                                        projection={"_id": 1})}
        lists, made = {}, 0
        for check, (sub, day, local) in wanted.items():
            if check in done:
                continue
            key = (sub["org"], day)
            if key not in lists:
                try:
                    lists[key] = self.due_of(sub["org"], day)
                except DeliveryError as err:
                    log.warning("due list of %s not read: %s", sub["org"], err)
                    lists[key] = None
            if lists[key] is None:
                continue
            counts, overdue = due_counts([i for i in lists[key]
                                          if i.get("coach_id") == sub["owner"]])
            if counts:
                start = after_quiet_hours(sub, local)
                try:
                    self.notifications.insert_one(self._pending(
                        sub, f"due-{day}", start, now, topic="due", opportunity_id=None,
                        due_on=day.isoformat(), items=counts, overdue=overdue, shared_at=None))
                    made += 1
                except DuplicateKeyError:
                    pass   # another instance made it first
            self.due_checks.update_one({"_id": check}, {"$set": {"at": iso(now)}}, upsert=True)
        return made

    REACTIONS = {EmployerRegistered: on_employer, EmployerUpdated: on_employer,
                 OpportunityPosted: on_posted, OpportunityShared: on_shared}

    # --- delivery ---------------------------------------------------------------------------------
    def deliver_due(self, most=100, seconds=None):
        """Send what is due now, one claimed at a time (several callers at once each claim
        their own), at most ``most`` or for about ``seconds``; returns how many were tried."""
        tried, until = 0, time.monotonic() + seconds if seconds else None
        while tried < most and (until is None or time.monotonic() < until):
            now = self.clock()
            claimed = self.notifications.find_one_and_update(
                {"status": {"$in": ["pending", "sending"]}, "next_at": {"$lte": iso(now)}},
                {"$set": {"status": "sending",
                          "next_at": iso(now + timedelta(seconds=CLAIM_SECONDS))}},
                sort=[("next_at", ASCENDING)], return_document=ReturnDocument.AFTER)
            if claimed is None:
                return tried
            tried += 1
            self._deliver(claimed)
        return tried

    def _deliver(self, n):
        attempts = n["attempts"] + 1
        link = self._link(n)
        if n.get("topic") == "due":
            subject, text = due_message(n["language"], n["items"], n["overdue"], link)
            told = {"topic": "due", "due_on": n["due_on"], "items": n["items"],
                    "overdue": n["overdue"]}
        else:
            subject, text = message(n["language"], n["opening"], link)
            told = {"topic": "openings", "opportunity": n["opening"]}
        try:
            address = self.addresses.read(n["subscription_id"])["address"]
            self.channels[n["channel"]].send(address, subject, text, n["_id"], {
                "notification_id": n["_id"], **told, "link": link,
                "language": n["language"]})
        except Erased:
            self._finish(n, "cancelled", attempts, None)
            return
        except (DeliveryError, KeyError) as err:
            self._failed(n, attempts, str(err) if isinstance(err, DeliveryError)
                         else f"no {n['channel']} channel configured")
            return
        recorded = self._record(NotificationSent, n, attempts, shared_at=n.get("shared_at"))
        self._finish(n, "sent", attempts, None, recorded)

    def _link(self, n):
        if n.get("topic") == "due":
            return f"{self.due_url}?on={n['due_on']}"
        return f"{self.public_url}/opportunities/{n['opportunity_id']}"

    def _failed(self, n, attempts, reason):
        if attempts >= MAX_ATTEMPTS:
            recorded = self._record(NotificationAbandoned, n, attempts, reason=reason[:500])
            self._finish(n, "dead", attempts, reason, recorded)
            return
        self.notifications.update_one({"_id": n["_id"], "status": "sending"}, {"$set": {
            "status": "pending", "attempts": attempts, "last_error": reason,
            "next_at": iso(self.clock() + timedelta(seconds=backoff_seconds(attempts)))}})

    def _finish(self, n, status, attempts, reason, recorded=0):
        """``recorded``: 1 if this sender recorded the outcome as an event (the next outcome,
        after a retry, goes after it)."""
        self.notifications.update_one({"_id": n["_id"]}, {
            "$set": {"status": status, "attempts": attempts, "last_error": reason,
                     "done_at": iso(self.clock())}, "$inc": {"outcomes": recorded}})

    def _record(self, kind, n, attempts, **extra):
        """The outcome as an event, once per notification and outcome (a stream whose version
        says how many outcomes it has: a second sender of the same one is refused); 1 if
        recorded here."""
        stream = f"notification-{n['_id']}"
        event = new_event(kind.type, {
            "notification_id": n["_id"], "subscription_id": n["subscription_id"],
            "opportunity_id": n.get("opportunity_id"), "channel": n["channel"],
            "topic": n.get("topic", "openings"), "due_on": n.get("due_on"),
            "attempts": attempts, **extra}, org=n["org"], actor=SYSTEM,
            schema_version=kind.version)
        # Usually the first outcome (no read); after a retried dead letter, the next one.
        version = 0 if n.get("outcomes", 0) == 0 else self.store.stream_version(stream)
        try:
            self.store.append(stream, version, [event])
        except ConcurrencyError:
            return 0   # another sender recorded this outcome first
        return 1

    # --- the delivery log and the dead letters ----------------------------------------------------
    def list_notifications(self, caller: Caller, query=None):
        """The organisation's notifications (a caseworker: their own), newest first; ``status``
        ``dead``: the dead-letter list."""
        caller.require(*SUBSCRIBERS, "admin")
        q = load(commands.NotificationsQuerySchema(), query or {}, "query")
        found = {"org": caller.org}
        if caller.role == "caseworker":
            found["owner"] = caller.id
        if q.get("status"):
            found["status"] = q["status"]
        return page_of(self.notifications, found, [("created_at", -1)], q, self._entry)

    @staticmethod
    def _entry(d):
        return {"notification_id": d["_id"], "topic": d.get("topic", "openings"),
                **{k: d.get(k) for k in (
                    "subscription_id", "owner", "channel", "opportunity_id", "due_on", "status",
                    "attempts", "last_error", "shared_at", "created_at", "next_at")}}

    def notification_figures(self, caller: Caller, query=None):
        """The organisation's notifications in figures: per channel, how many were sent, are
        waiting, were given up; and per share, the time from the share to its first
        notification sent (n, median, p90 in seconds). ``since``/``until``: shares recorded on
        those days (UTC)."""
        caller.require("coordinator", "auditor", "admin")
        q = load(commands.FiguresQuerySchema(), query or {}, "query")
        found = {"org": caller.org, "topic": {"$ne": "due"}}
        period = {k: v for k, v in (("$gte", q.get("since")), ("$lt", q.get("until"))) if v}
        if period:
            found["shared_at"] = {k: v.isoformat() if k == "$gte" else
                                  (v + timedelta(days=1)).isoformat() for k, v in period.items()}
        per_channel, first = {}, {}
        for d in self.notifications.find(found, projection={
                "channel": 1, "status": 1, "shared_at": 1, "done_at": 1, "_id": 1}):
            counts = per_channel.setdefault(d["channel"], {"sent": 0, "waiting": 0, "dead": 0,
                                                            "cancelled": 0})
            status = "waiting" if d["status"] in ("pending", "sending") else d["status"]
            counts[status] += 1
            if d["status"] == "sent" and d.get("done_at") and d.get("shared_at"):
                share = d["_id"].split("|", 1)[1]
                # (the share's time is employer's clock: never below 0 for a skew between them)
                seconds = max(0.0, (parse_iso(d["done_at"]) -
                                    parse_iso(d["shared_at"])).total_seconds())
                first[share] = min(first.get(share, seconds), seconds)
        seconds = spread(Counter(first.values()))
        return {"per_channel": per_channel, "shares_notified": len(first),
                "seconds_to_first": {**seconds, **{k: round(seconds[k], 3) for k in
                                                   ("median", "p90") if seconds["n"]}}}

    def retry_notification(self, caller: Caller, notification_id, data=None):
        """An operator sends a dead letter again (its attempts start over)."""
        caller.require(*OPERATORS)
        done = self.notifications.find_one_and_update(
            {"_id": notification_id, "org": caller.org, "status": "dead"},
            {"$set": {"status": "pending", "attempts": 0, "next_at": iso(self.clock()),
                      "retried_by": caller.id}}, return_document=ReturnDocument.AFTER)
        if done is None:
            if self.notifications.count_documents({"_id": notification_id, "org": caller.org}):
                raise Conflict("not_dead", "only a dead letter is retried; this one is not")
            raise NotFoundError("notification not found")
        return self._entry(done)
