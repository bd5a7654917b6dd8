"""The notify service's rules as pure functions: subscriptions (stream ``subscription-<id>``),
which shared openings a subscription wants, when a due digest is to be made, when it may be told
(quiet hours), what it is told (short, in its language, no participant data), and how long to
wait before trying again."""
from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta

from pathways.contracts.events import Event
from pathways.contracts.notify import SubscriptionCancelled, SubscriptionCreated
from pathways.domain.decider import DomainError, Fold, NotFound

class DeliveryError(Exception):
    """The other side did not take a notification (why, in a sentence)."""


MAX_ATTEMPTS = 8
"""Tries before a notification goes to the dead-letter list (about 8 minutes of backoff)."""


@dataclass(frozen=True, kw_only=True)
class Subscribe:
    subscription_id: str
    owner: str
    channel: str
    language: str
    kinds: list = field(default_factory=list)
    municipalities: list = field(default_factory=list)
    min_hours: float | None = None
    max_hours: float | None = None
    quiet_from: str | None = None
    quiet_to: str | None = None
    topic: str = "openings"
    at: str | None = None


@dataclass(frozen=True)
class Cancel:
    pass


@dataclass
class Subscription:
    subscription_id: str | None = None
    owner: str | None = None
    channel: str | None = None
    language: str | None = None
    kinds: list = field(default_factory=list)
    municipalities: list = field(default_factory=list)
    min_hours: float | None = None
    max_hours: float | None = None
    quiet_from: str | None = None
    quiet_to: str | None = None
    topic: str = "openings"
    at: str | None = None
    active: bool = False

    @property
    def exists(self):
        return self.subscription_id is not None

    def view(self):
        return dict(self.__dict__)


def decide_subscription(s: Subscription, cmd: object) -> list[Event]:
    if isinstance(cmd, Subscribe):
        if s.exists:
            raise DomainError("already_exists", "the subscription already exists")
        if cmd.min_hours is not None and cmd.max_hours is not None and \
                cmd.min_hours > cmd.max_hours:
            raise DomainError("hours_out_of_order", "min_hours is above max_hours")
        return [SubscriptionCreated(**asdict(cmd))]
    if not s.exists:
        raise NotFound("subscription")
    if isinstance(cmd, Cancel):
        return [SubscriptionCancelled(subscription_id=s.subscription_id)] if s.active else []
    raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def evolve_subscription(s: Subscription, event: Event) -> Subscription:
    match event:
        case SubscriptionCreated():
            for k, v in event.payload.items():
                setattr(s, k, v)
            s.active = True
        case SubscriptionCancelled():
            s.active = False
    return s


fold_subscription = Fold(Subscription, evolve_subscription)


def wants(sub: dict, opening: dict) -> bool:
    """Whether an opening (kind, hours_per_week, municipality of its employer) is one the
    subscription asked for; an empty list or a missing bound asks for any."""
    if sub["kinds"] and opening["kind"] not in sub["kinds"]:
        return False
    if sub["municipalities"] and opening.get("municipality") not in sub["municipalities"]:
        return False
    hours = opening.get("hours_per_week")
    if sub.get("min_hours") is not None and (hours is None or hours < sub["min_hours"]):
        return False
    if sub.get("max_hours") is not None and (hours is None or hours > sub["max_hours"]):
        return False
    return True


def _clock(text):
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def after_quiet_hours(sub: dict, local: datetime) -> datetime:
    """``local`` (the organisation's local time), or the end of the quiet hours it falls in
    (which may run past midnight: 21:00-07:00)."""
    if not sub.get("quiet_from") or not sub.get("quiet_to"):
        return local
    start, end = _clock(sub["quiet_from"]), _clock(sub["quiet_to"])
    now = local.time()
    quiet = start <= now < end if start <= end else (now >= start or now < end)
    if not quiet:
        return local
    wake = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return wake if wake > local else wake + timedelta(days=1)


DEFAULT_DIGEST_AT = "07:30"


def digest_day(sub: dict, local: datetime):
    """The local day whose due digest a ``due`` subscription is to have now (its hour ``at``
    has come), or None before that hour."""
    if local.time() < _clock(sub.get("at") or DEFAULT_DIGEST_AT):
        return None
    return local.date()


def backoff_seconds(attempts: int) -> int:
    """Seconds before the next try after ``attempts`` failed ones: 2, 4, 8 ... at most 5 min."""
    return min(2 ** attempts, 300)


TEXTS = {
    "nb": ("Ny delt mulighet: {title}", "{title} ({kind}{hours}) hos {employer}, delt av "
           "{org}. {link}", " timer/uke"),
    "sv": ("Ny delad möjlighet: {title}", "{title} ({kind}{hours}) hos {employer}, delad av "
           "{org}. {link}", " tim/vecka"),
    "da": ("Ny delt mulighed: {title}", "{title} ({kind}{hours}) hos {employer}, delt af "
           "{org}. {link}", " timer/uge"),
    "en": ("New shared opening: {title}", "{title} ({kind}{hours}) at {employer}, shared by "
           "{org}. {link}", " h/week"),
}
KIND_WORDS = {"work_trial": {"nb": "arbeidstrening", "sv": "arbetsträning", "da": "praktik",
                             "en": "work trial"},
              "small_job": {"nb": "småjobb", "sv": "småjobb", "da": "småjob", "en": "small job"}}


DUE_TEXTS = {
    "nb": ("Oppgaver i dag: {n}", "Oppgaver i dag: {n} ({overdue} på overtid): {what}. {link}"),
    "sv": ("Uppgifter i dag: {n}", "Uppgifter i dag: {n} ({overdue} försenade): {what}. {link}"),
    "da": ("Opgaver i dag: {n}", "Opgaver i dag: {n} ({overdue} overskredet): {what}. {link}"),
    "en": ("Due today: {n}", "Due today: {n} ({overdue} overdue): {what}. {link}"),
}
DUE_WORDS = {
    "follow_up": {"nb": "oppfølging", "sv": "uppföljning", "da": "opfølgning",
                  "en": "follow-up"},
    "place_ending": {"nb": "plass slutter", "sv": "plats slutar", "da": "plads slutter",
                     "en": "place ending"},
    "extension_decision": {"nb": "forlengelse å avgjøre", "sv": "förlängning att besluta",
                           "da": "forlængelse at afgøre", "en": "extension to decide"},
    "waiting_long": {"nb": "lenge på venteliste", "sv": "länge i kö", "da": "længe på venteliste",
                     "en": "waiting long"},
    "outcome_follow_up": {"nb": "resultatoppfølging", "sv": "resultatuppföljning",
                          "da": "resultatopfølgning", "en": "outcome follow-up"},
}


def due_counts(items: list[dict]) -> tuple[dict, int]:
    """A coach's due items as counts per kind of item, and how many of them are overdue:
    what a digest tells (never which participant)."""
    counts = {}
    for item in items:
        counts[item["what"]] = counts.get(item["what"], 0) + 1
    return dict(sorted(counts.items())), sum(1 for i in items if i["days_overdue"] > 0)


def due_message(language: str, counts: dict, overdue: int, link: str) -> tuple[str, str]:
    """The subject and text of a due digest: how many, how many overdue, of which kinds."""
    subject, body = DUE_TEXTS[language]
    what = ", ".join(f"{n} {DUE_WORDS.get(k, {}).get(language, k.replace('_', ' '))}"
                     for k, n in counts.items())
    values = {"n": sum(counts.values()), "overdue": overdue, "what": what, "link": link}
    return subject.format(**values), body.format(**values)


def message(language: str, opening: dict, link: str) -> tuple[str, str]:
    """The subject and text (short enough for one SMS with its link) telling of an opening:
    what, how many hours, where, shared by whom, and the link. Never anything of a person."""
    subject, body, per_week = TEXTS[language]
    kind = KIND_WORDS.get(opening["kind"], {}).get(language, opening["kind"].replace("_", " "))
    hours = opening.get("hours_per_week")
    values = {"title": opening.get("title") or "", "kind": kind,
              "hours": f", {hours:g}{per_week}" if hours else "",
              "employer": opening.get("employer_name") or opening["employer_id"],
              "org": opening["org"], "link": link}
    return subject.format(**values)[:120], body.format(**values)
