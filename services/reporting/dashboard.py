"""A small HTML dashboard with server-drawn SVG charts (no scripts, nothing fetched from outside):
outcomes over time and capacity use."""
import html

COLORS = {"endings": "#9db4c0", "work_or_education": "#2a9d8f", "active": "#e76f51",
          "places": "#264653"}


def _bars(per_month, width=720, height=220):
    if not per_month:
        return "<p class='empty'>No endings yet.</p>"
    top = max(max(m["endings"], m["enrolments"]) for m in per_month) or 1
    step = width / len(per_month)
    bar = max(step / 3 - 2, 1)
    parts = []
    for i, m in enumerate(per_month):
        x = i * step
        for j, (key, value) in enumerate((("endings", m["endings"]),
                                          ("work_or_education", m["work_or_education"]))):
            h = height * value / top
            parts.append(f"<rect class='bar {key}' x='{x + j * (bar + 2):.1f}' "
                         f"y='{height - h:.1f}' width='{bar:.1f}' height='{h:.1f}' "
                         f"fill='{COLORS[key]}'><title>{m['month']}: {key} {value}</title></rect>")
        if i % max(len(per_month) // 8, 1) == 0:
            parts.append(f"<text x='{x:.1f}' y='{height + 14}' font-size='10'>{m['month']}</text>")
    return (f"<svg id='outcomes-chart' width='{width}' height='{height + 20}' "
            f"role='img' aria-label='Endings and work or education per month'>{''.join(parts)}</svg>")


def _lines(series, width=720, height=180):
    if not series:
        return "<p class='empty'>No programme runs yet.</p>"
    out = []
    for programme, points in series.items():
        top = max(max(p["places"], p["active"]) for p in points) or 1
        step = width / max(len(points) - 1, 1)

        def path(key):
            return " ".join(f"{'M' if i == 0 else 'L'}{i * step:.1f},"
                            f"{height - height * p[key] / top:.1f}" for i, p in enumerate(points))
        last = points[-1]
        out.append(
            f"<h3>{html.escape(programme)}: {last['active']} active of {last['places']} places</h3>"
            f"<svg class='capacity-chart' width='{width}' height='{height}' role='img' "
            f"aria-label='Active participants against places, {html.escape(programme)}'>"
            f"<path class='line places' d='{path('places')}' stroke='{COLORS['places']}' "
            f"stroke-width='2' fill='none' stroke-dasharray='6 4'/>"
            f"<path class='line active' d='{path('active')}' stroke='{COLORS['active']}' "
            f"stroke-width='3' fill='none'/></svg>")
    return "".join(out)


def render(report, capacity, title="Pathways"):
    o = report["outcomes"]["at_end"]
    rate = "–" if o["rate"] is None else f"{o['rate'] * 100:.0f}%"
    sj = report["small_jobs"]
    built = report["built_from"]
    positions = ", ".join(f"{k} {v}" for k, v in built["feed_positions"].items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
.figures {{ display: flex; gap: 2em; }} .figure b {{ font-size: 2em; display: block; }}
.legend span {{ display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; }}
footer {{ color: #777; font-size: 0.8em; margin-top: 2em; }}
</style></head><body>
<h1>{html.escape(title)}</h1>
<div class="figures">
 <div class="figure"><b id="outcome-rate">{rate}</b>went on to work or education
  ({o['numerator']} of {o['denominator']} ended)</div>
 <div class="figure"><b>{report['started']}</b>started</div>
 <div class="figure"><b>{sj['citizens']}</b>in small jobs with {sj['firms']} firms</div>
 <div class="figure"><b>{report['waiting_list']['length']}</b>waiting for a place</div>
</div>
<h2>Outcomes over time</h2>
<div class="legend"><span style="background:{COLORS['endings']}"></span>endings
<span style="background:{COLORS['work_or_education']}"></span>to work or education</div>
{_bars(report['per_month'])}
<h2>Capacity use</h2>
<div class="legend"><span style="background:{COLORS['active']}"></span>active
<span style="background:{COLORS['places']}"></span>places</div>
{_lines(capacity)}
<footer>Built from feed positions {html.escape(positions)}; code {html.escape(built['code_version'])};
generation {built['generation']}; at {built['at']}.</footer>
</body></html>"""
