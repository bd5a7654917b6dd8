"""What a service counts, in Prometheus's terms (the official client library). Counters and
histograms move as things happen; the lag and dead-letter gauges are read when scraped
(``pathways.runtime.metrics``). No organisation or person is ever a label."""
from prometheus_client import Counter, Gauge, Histogram

COMMANDS = Counter(
    "pathways_commands_total", "Commands decided, by outcome: accepted (events written), "
    "unchanged (nothing to write), not_found, or the rule that refused it",
    ["service", "command", "outcome"])
EVENTS_APPENDED = Counter(
    "pathways_events_appended_total", "Events appended to the service's log",
    ["service", "type"])
HTTP_SECONDS = Histogram(
    "pathways_http_request_seconds", "HTTP requests by route and status, in seconds",
    ["service", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
RELAY_LAG = Gauge(
    "pathways_relay_lag_events", "Events in the log not yet published (head - relay checkpoint)",
    ["service"])
CONSUMER_LAG = Gauge(
    "pathways_consumer_lag_events", "Events of a source seen but not yet applied "
    "(the source's known head - this consumer's checkpoint)", ["service", "source"])
DEAD_LETTERS = Gauge(
    "pathways_dead_letters", "Events parked by this service's consumers", ["service"])
HTTP_CONNECTIONS = Gauge(
    "pathways_http_connections", "HTTP connections open at the service's web server", ["service"])
HTTP_CUT = Counter(
    "pathways_http_connections_cut_total", "HTTP connections the web server ended for a bound: "
    "busy (past HTTP_MAX_CONNECTIONS), header_timeout, body_timeout, too_large",
    ["service", "reason"])
