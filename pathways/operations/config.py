"""Config values shared by the services: mappings that may come as JSON strings, time zones."""
import json
import re

from pathways.timeutil import zone


def config_mapping(raw, key, shape):
    """A config value that is a mapping, or the same as a JSON string (as it comes from an
    environment variable); anything else is a startup error naming ``key`` and its ``shape``."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else {}
        except ValueError as err:
            raise ValueError(f"config error: {key} is not valid JSON: {err}") from None
    if not isinstance(raw, dict):
        raise ValueError(f"config error: {key} must map {shape}")
    return raw


def zones_from(config):
    """Each organisation's time zone (``ORG_TIME_ZONES``), else ``TIME_ZONE`` (Europe/Oslo):
    where "today" is, and the calendar day a fact happened on."""
    default = zone(config.get("TIME_ZONE") or "Europe/Oslo")
    per_org = {org: zone(name) for org, name in config_mapping(
        config.get("ORG_TIME_ZONES") or {}, "ORG_TIME_ZONES",
        "organisations to IANA time zones").items()}
    return lambda org: per_org.get(org, default)


FEED_ADDRESS = 'an http(s) base URL or {"url": ..., "token": ...}'


def feed_addresses(raw, key, names="feed names", rpc=False):
    """``{name: base URL or {"url", "token"}}`` (mapping or JSON; with ``rpc``, "rpc" too: pull
    that source over RabbitMQ); a bad entry is a startup error naming it."""
    shape = f"{names} to " + ('"rpc" or ' if rpc else "") + FEED_ADDRESS
    feeds = config_mapping(raw, key, shape)
    for name, value in feeds.items():
        url = value.get("url") if isinstance(value, dict) else value
        if not (rpc and value == "rpc") and not (isinstance(url, str) and url.startswith("http")):
            raise ValueError(f"config error: {key} must map {shape}: {key}[{name!r}] does not")
    return feeds


def specialties_from(config, default):
    """Each organisation's kinds of coach (``COACH_SPECIALTIES``: {org: [specialty, ...]}),
    else ``default``; a bad entry is a startup error naming it."""
    per_org = config_mapping(config.get("COACH_SPECIALTIES") or {}, "COACH_SPECIALTIES",
                             "organisations to lists of specialties")
    for org, kinds in per_org.items():
        if not (isinstance(kinds, list) and kinds and all(
                isinstance(k, str) and re.fullmatch(r"[a-z][a-z0-9_]{0,39}", k) for k in kinds)):
            raise ValueError(f"config error: COACH_SPECIALTIES[{org!r}] must be a list of "
                             "lower-case names (a-z, 0-9, _)")
    return lambda org: tuple(per_org.get(org, default))


def days_per_name(config, key, names, default):
    """``{name: days}`` (e.g. ``FOLLOW_UP_DAYS`` per programme) as a function, ``default``
    elsewhere; a name not among ``names`` or a count outside 1-3650 is a startup error."""
    per_name = config_mapping(config.get(key) or {}, key, "names to whole days")
    for name, days in per_name.items():
        if name not in names or isinstance(days, bool) or not isinstance(days, int) \
                or not 1 <= days <= 3650:
            raise ValueError(f"config error: {key}[{name!r}] must be whole days (1-3650) for "
                             f"one of {', '.join(names)}")
    return lambda name: per_name.get(name, default)


def service_areas_from(config):
    """The municipalities each organisation serves (``SERVICE_AREAS``: {org: ["4201", ...]}),
    for sharing with a region; a bad entry is a startup error naming it."""
    areas = config_mapping(config.get("SERVICE_AREAS") or {}, "SERVICE_AREAS",
                           "organisations to lists of municipality numbers")
    for org, codes in areas.items():
        if not (isinstance(codes, list) and all(
                isinstance(c, str) and re.fullmatch(r"[0-9]{3,4}", c) for c in codes)):
            raise ValueError(f"config error: SERVICE_AREAS[{org!r}] must be a list of 3- or "
                             "4-digit municipality numbers")
    return {org: tuple(codes) for org, codes in areas.items()}
