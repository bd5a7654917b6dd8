"""A service's configuration, read and checked in one place. Every key a service reads is here
(or in its own subclass), with its default; a bad or missing value stops the service at start
with one message that names every bad key, never later, inside a request."""
from dataclasses import dataclass, fields
from typing import Any, Callable, ClassVar, Mapping

from pathways.errors import ConfigError
from pathways.security.callers import Caller, load_grants, load_tokens
from pathways.operations.config import config_mapping, feed_addresses, zones_from
from pathways.security.issued import IssuedTokens
from pathways.security.privacy import master_key_from

DEFAULT_MAX_RELAY_LAG = 10_000


@dataclass(frozen=True)
class HttpLimits:
    """What a service's web server allows one connection (``pathways.runtime.webserver``)."""
    header_timeout: float = 10.0       # HTTP_HEADER_TIMEOUT: request line and headers, seconds
    body_timeout: float = 10.0         # HTTP_BODY_TIMEOUT: a whole body; any one read or write
    keepalive_timeout: float = 15.0    # HTTP_KEEPALIVE_TIMEOUT: idle between requests
    max_connections: int = 4096        # HTTP_MAX_CONNECTIONS: open at once, per process
    max_body_bytes: int = 1_000_000    # HTTP_MAX_BODY_BYTES: refused (413) before reading

    KEYS = {"header_timeout": ("HTTP_HEADER_TIMEOUT", float),
            "body_timeout": ("HTTP_BODY_TIMEOUT", float),
            "keepalive_timeout": ("HTTP_KEEPALIVE_TIMEOUT", float),
            "max_connections": ("HTTP_MAX_CONNECTIONS", int),
            "max_body_bytes": ("HTTP_MAX_BODY_BYTES", int)}

    @classmethod
    def from_config(cls, config: Mapping) -> "HttpLimits":
        problems, values = [], {}
        for name, (key, kind) in cls.KEYS.items():
            try:
                values[name] = _number(config, key, getattr(cls, name), kind)
            except ValueError as err:
                problems.append(str(err))
        if problems:
            raise ValueError("; ".join(problems))
        return cls(**values)


class SettingsError(ConfigError):
    """The configuration is wrong; ``problems`` names each key and what is wrong with it."""

    def __init__(self, service, problems):
        super().__init__(f"config error in {service}: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    service: str
    amqp_uri: str                                    # several brokers: "amqp://a;amqp://b" (failover)
    queue_type: str                                  # AMQP_QUEUE_TYPE: classic or quorum
    mongo_uri: str
    mongo_db: str                                    # MONGO_DB_PREFIX (pathways) + _service
    relay_poll_seconds: float                        # RELAY_POLL_SECONDS (0.5)
    health_max_relay_lag: int                        # HEALTH_MAX_RELAY_LAG (10,000 events)
    tokens: Mapping[str, Caller]                     # AUTH_TOKENS
    grants: Mapping[str, Any]                        # FEED_GRANTS
    feeds: Mapping[str, Any]                         # FEEDS: source -> "rpc" or an address
    zone_of: Callable[[str], Any]                    # TIME_ZONE, ORG_TIME_ZONES
    http: HttpLimits                                 # HTTP_* (HttpLimits)

    READERS: ClassVar[dict[str, Callable]] = {}      # a subclass's own keys: field -> reader

    @classmethod
    def from_config(cls, config: Mapping, service: str) -> "Settings":
        """Every key read and checked; SettingsError naming all the bad ones at once."""
        problems, values = [], {"service": service}

        def read(name, fn):
            try:
                values[name] = fn()
            except (ValueError, TypeError, KeyError) as err:
                problems.append(str(err).removeprefix("config error: "))

        read("amqp_uri", lambda: _required(config, "AMQP_URI"))
        read("queue_type", lambda: queue_type_of(config))
        read("mongo_uri", lambda: _required(config, "MONGO_URI"))
        read("mongo_db", lambda: f"{config.get('MONGO_DB_PREFIX') or 'pathways'}_{service}")
        read("relay_poll_seconds", lambda: _number(config, "RELAY_POLL_SECONDS", 0.5, float))
        read("health_max_relay_lag",
             lambda: _number(config, "HEALTH_MAX_RELAY_LAG", DEFAULT_MAX_RELAY_LAG, int,
                             strictly=False))
        read("tokens", lambda: tokens_from(config))
        read("grants", lambda: load_grants(config.get("FEED_GRANTS") or {}))
        read("feeds", lambda: feed_addresses(config.get("FEEDS") or {}, "FEEDS", "sources",
                                             rpc=True))
        read("zone_of", lambda: zones_from(config))
        read("http", lambda: HttpLimits.from_config(config))
        for name, reader in cls.READERS.items():
            read(name, lambda reader=reader: reader(config))
        if problems:
            raise SettingsError(service, problems)
        return cls(**{f.name: values[f.name] for f in fields(cls)})


def tokens_from(config):
    """``AUTH_TOKENS``, and with ``OIDC_ISSUER`` the tokens that issuer signs for
    ``OIDC_AUDIENCE`` (``pathways.security.issued``); ``OIDC_CLAIMS`` names the claims that
    hold the organisation, role and id."""
    static = load_tokens(config.get("AUTH_TOKENS") or {})
    issuer = config.get("OIDC_ISSUER")
    if not issuer:
        return static
    if not str(issuer).startswith(("http://", "https://")):
        raise ValueError("OIDC_ISSUER must be the issuer's http(s) URL")
    claims = config_mapping(config.get("OIDC_CLAIMS") or {}, "OIDC_CLAIMS",
                            "org, role and id to claim names")
    unknown = set(claims) - {"org", "role", "id"}
    if unknown:
        raise ValueError(f"OIDC_CLAIMS names {sorted(unknown)}: only org, role and id")
    return IssuedTokens(static, str(issuer), str(config.get("OIDC_AUDIENCE") or "pathways"),
                        claims)


def _required(config, key):
    value = config.get(key)
    if not value or not isinstance(value, str):
        raise ValueError(f"{key} is not set")
    return value


def queue_type_of(config: Mapping) -> str:
    """``AMQP_QUEUE_TYPE`` alone, for an entrypoint of a service that has no other settings."""
    return _one_of(config, "AMQP_QUEUE_TYPE", ("classic", "quorum"))


def _one_of(config, key, choices):
    value = config.get(key) or choices[0]
    if value not in choices:
        raise ValueError(f"{key} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _number(config, key, default, kind, least=0, strictly=True):
    raw = config.get(key, default)
    bound = f"{'>' if strictly else '>='} {least}"
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        value = None
    if isinstance(raw, bool) or value is None or value < least or (strictly and value == least):
        raise ValueError(f"{key} must be a number {bound}, not {raw!r}")
    return value


def settings_of(container) -> Settings:
    """The container's settings, read once (a nameko service may name its own class as
    ``settings``, a subclass with the service's own keys)."""
    cached = getattr(container, "_pathways_settings", None)
    if cached is None:
        cls = getattr(container.service_cls, "settings", Settings)
        cached = container._pathways_settings = cls.from_config(container.config,
                                                                container.service_name)
    return cached


@dataclass(frozen=True)
class VaultSettings(Settings):
    """A service that keeps personal data sealed (``pathways.security.privacy``)."""
    vault_master_key: bytes                          # VAULT_MASTER_KEY: base64 of 32 bytes

    READERS = {"vault_master_key": lambda config: master_key_from(config.get("VAULT_MASTER_KEY"))}
