"""An auditor's replay: the reports as known at a time T, rebuilt in memory from the services'
feeds (``GET /events``) with reporting's own projection, outside any running service."""
from pathways.security.audit import Progress
from pathways.runtime.feeds import HttpFeed
from services.reporting import app, kpis


def replay(feeds, known_at=None, filters=None):
    """The reports as known at ``known_at``, rebuilt from ``{feed name: base URL or {"url",
    "token"}}`` in memory with
    the reporting service's own projection (the code version is named in the result)."""
    progress = Progress("[replay]", len(feeds))
    done = set()

    def step(source, position):
        done.add(source)
        progress.update(len(done))
    rows = app.replay(app.relabelled(HttpFeed(feeds)), list(feeds), known_at=known_at,
                      progress=step)
    progress.close()
    return {**kpis.report(rows.rows, filters),
            "built_from": {"feed_positions": rows.positions, "code_version": app.code_version(),
                           "known_at": known_at}}
