"""The API documents as a partner's developer meets them: each service's OpenAPI page renders
in headless Chromium from the service's own files (no CDN), and lists the service's operations."""
import re

import requests

from tests.support import chromium


def test_the_openapi_page_renders_every_operation_from_the_services_own_files(platform,
                                                                               tmp_path):
    base = platform("intake")["intake"]["coordinator"].base
    page = requests.get(f"{base}/docs", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/docs/") for s in sources), sources
    for source in sources:
        assert requests.get(base + source, timeout=10).status_code == 200, source
    assert requests.get(f"{base}/docs/index.html", timeout=10).status_code == 404

    dom = chromium(tmp_path, f"{base}/docs", "--virtual-time-budget=15000", "--dump-dom")
    document = requests.get(f"{base}/openapi.json", timeout=10).json()
    summaries = {op["summary"].split(" (")[0] for ops in document["paths"].values()
                 for op in ops.values()}
    shown = {s for s in summaries if s.replace("&", "&amp;") in dom}
    assert "Pathways intake" in dom and "OAS 3.1" in dom
    assert len(shown) >= len(summaries) * 0.9, sorted(summaries - shown)
