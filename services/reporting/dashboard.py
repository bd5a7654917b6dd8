"""A small HTML dashboard with server-drawn SVG charts (no scripts, nothing fetched from outside):
filters, outcomes over time, capacity use with dates, the per-employer table, links to the CSVs."""
import html
from urllib.parse import urlencode

from pathways.contracts.intake import PROGRAMMES

COLORS = {"endings": "#9db4c0", "work_or_education": "#2a9d8f", "active": "#e76f51",
          "places": "#264653"}
LEFT, BOTTOM, TOP = 44, 36, 10      # room for the y axis, the x axis and its title
EXPORTS = (("per_month", "per month"), ("per_employer", "per employer"),
           ("outcomes", "outcomes"), ("capacity", "capacity per day"),
           ("target_groups", "target groups"))
TARGET_TABLE = ("age_band", "gender", "started")
"""The dashboard's target-group table: starts by age band and gender (suppressed)."""


def _ticks(top):
    """Round values from 0 to at least ``top``, five at most: steps of 1, 2, 5, 10, 20, …"""
    step = 1
    while top / step > 4:
        step = step * 5 // 2 if str(step).startswith("2") else step * 2
    return list(range(0, -(-max(top, 1) // step) * step + 1, step))


def _axes(width, height, ticks, x_title, y_title):
    """The y axis with its ticks and grid lines, the x axis, and both titles."""
    top = ticks[-1] or 1
    out = [f"<line class='axis' x1='{LEFT}' y1='{TOP}' x2='{LEFT}' y2='{TOP + height}' "
           f"stroke='#555'/>",
           f"<line class='axis' x1='{LEFT}' y1='{TOP + height}' x2='{LEFT + width}' "
           f"y2='{TOP + height}' stroke='#555'/>"]
    for t in ticks:
        y = TOP + height - height * t / top
        out.append(f"<line x1='{LEFT}' y1='{y:.1f}' x2='{LEFT + width}' y2='{y:.1f}' "
                   f"stroke='#ddd'/><text class='tick' x='{LEFT - 6}' y='{y + 4:.1f}' "
                   f"font-size='11' text-anchor='end'>{t}</text>")
    out.append(f"<text class='axis-title' x='{LEFT + width / 2:.0f}' "
               f"y='{TOP + height + BOTTOM - 4}' font-size='12' text-anchor='middle'>"
               f"{html.escape(x_title)}</text>")
    out.append(f"<text class='axis-title' x='12' y='{TOP + height / 2:.0f}' font-size='12' "
               f"text-anchor='middle' transform='rotate(-90 12 {TOP + height / 2:.0f})'>"
               f"{html.escape(y_title)}</text>")
    return out


def _x_label(x, height, text):
    return (f"<text class='x-label' x='{x:.1f}' y='{TOP + height + 14}' font-size='11' "
            f"text-anchor='middle'>{html.escape(text)}</text>")


def _bars(per_month, width=680, height=200):
    if not per_month:
        return "<p class='empty'>No enrolments in these filters.</p>"
    ticks = _ticks(max(max(m["endings"], m["work_or_education"]) for m in per_month))
    top = ticks[-1] or 1
    step = width / len(per_month)
    bar = max(step / 3 - 2, 1)
    parts = _axes(width, height, ticks, "month", "enrolments")
    for i, m in enumerate(per_month):
        x = LEFT + i * step + 2
        for j, key in enumerate(("endings", "work_or_education")):
            h = height * m[key] / top
            parts.append(f"<rect class='bar {key}' x='{x + j * (bar + 2):.1f}' "
                         f"y='{TOP + height - h:.1f}' width='{bar:.1f}' height='{h:.1f}' "
                         f"fill='{COLORS[key]}'><title>{m['month']}: {key.replace('_', ' ')} "
                         f"{m[key]}</title></rect>")
        if i % max(len(per_month) // 8, 1) == 0:
            parts.append(_x_label(x + bar, height, m["month"]))
    return (f"<svg id='outcomes-chart' width='{LEFT + width + 10}' "
            f"height='{TOP + height + BOTTOM}' role='img' "
            f"aria-label='Endings and work or education per month'>{''.join(parts)}</svg>")


def _lines(series, width=680, height=160):
    if not series:
        return "<p class='empty'>No programme runs in these filters.</p>"
    out = []
    for programme, points in series.items():
        ticks = _ticks(max(max(p["places"], p["active"]) for p in points))
        top = ticks[-1] or 1
        step = width / max(len(points) - 1, 1)

        def path(key):
            return " ".join(f"{'M' if i == 0 else 'L'}{LEFT + i * step:.1f},"
                            f"{TOP + height - height * p[key] / top:.1f}"
                            for i, p in enumerate(points))
        labels = sorted({0, len(points) // 2, len(points) - 1})
        last = points[-1]
        out.append(
            f"<h3>{html.escape(programme)}: {last['active']} active of {last['places']} places "
            f"on {last['day']}</h3>"
            f"<svg class='capacity-chart' width='{LEFT + width + 40}' "
            f"height='{TOP + height + BOTTOM}' role='img' "
            f"aria-label='Active participants against places, {html.escape(programme)}'>"
            + "".join(_axes(width, height, ticks, "day", "participants"))
            + "".join(_x_label(LEFT + i * step, height, points[i]["day"]) for i in labels)
            + f"<path class='line places' d='{path('places')}' stroke='{COLORS['places']}' "
            f"stroke-width='2' fill='none' stroke-dasharray='6 4'/>"
            f"<path class='line active' d='{path('active')}' stroke='{COLORS['active']}' "
            f"stroke-width='3' fill='none'/></svg>")
    return "".join(out)


def _employers(rows):
    if not rows:
        return "<p class='empty'>No placements in these filters.</p>"
    body = "".join(
        f"<tr><td>{html.escape(r['name'] or r['employer_id'])}</td>"
        f"<td>{html.escape(r['employer_id'])}</td><td class='n'>{r['placements']}</td>"
        f"<td class='n'>{r['hires']}</td><td class='n'>{r['small_jobs']}</td></tr>"
        for r in sorted(rows, key=lambda r: (-r["placements"], r["employer_id"])))
    return ("<table id='per-employer'><thead><tr><th>employer</th><th>organisation number</th>"
            "<th>placements</th><th>hires</th><th>small jobs</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _groups(found):
    """A breakdown as a table; hidden counts as "<k", with a note saying why."""
    columns = list(found["column_totals"])

    def cell(n):
        return f"<td class='n{' hidden' if isinstance(n, str) else ''}'>{html.escape(str(n))}</td>"
    body = "".join(f"<tr><th scope='row'>{html.escape(line['group'])}</th>"
                   + "".join(cell(line["cells"][c]) for c in columns) + cell(line["total"])
                   + "</tr>" for line in found["table"])
    head = "".join(f"<th scope='col'>{html.escape(c)}</th>" for c in columns)
    foot = "".join(cell(found["column_totals"][c]) for c in columns) + cell(found["total"])
    return (f"<table id='target-groups'><caption>{html.escape(found['measure'])} by "
            f"{html.escape(found['rows'].replace('_', ' '))} and "
            f"{html.escape((found['columns'] or '').replace('_', ' '))}</caption><thead><tr>"
            f"<th scope='col'>{html.escape(found['rows'].replace('_', ' '))}</th>{head}"
            f"<th scope='col'>total</th></tr></thead><tbody>{body}</tbody><tfoot><tr>"
            f"<th scope='row'>total</th>{foot}</tr></tfoot></table>"
            f"<p class='note'>Counts under {found['k']} are shown as &lt;{found['k']}, and so "
            f"is what would give them away from the totals.</p>")


def _filters(filters, may_choose_org):
    """The filter form (a GET to this page: the filters stay in the URL, to share or bookmark)."""
    chosen = set(filters.get("programme") or ())
    options = "".join(f"<option value='{p}'{' selected' if p in chosen else ''}>"
                      f"{p.replace('_', ' ')}</option>" for p in PROGRAMMES)
    orgs = ", ".join(filters.get("org") or ())
    org = (f"<input id='f-org' name='org' value='{html.escape(orgs)}' "
           f"placeholder='all organisations'>" if may_choose_org
           else f"<input id='f-org' value='{html.escape(orgs)}' disabled>")
    return f"""<form id="filters" method="get" action="/dashboard">
 <label for="f-org">organisation</label> {org}
 <label for="f-programme">programme</label>
 <select id="f-programme" name="programme" multiple size="3">{options}</select>
 <label for="f-from">from</label>
 <input id="f-from" type="date" name="from" value="{html.escape(filters.get('from', ''))}">
 <label for="f-to">to</label>
 <input id="f-to" type="date" name="to" value="{html.escape(filters.get('to', ''))}">
 <button type="submit">Apply</button> <a href="/dashboard">clear</a>
</form>"""


def _exports(filters):
    query = [(k, v) for k, vs in filters.items() for v in (vs if isinstance(vs, list) else [vs])]
    return " · ".join(
        f"<a class='csv' href='/dashboard/export?{html.escape(urlencode([('table', t), *query]))}'>"
        f"{label}</a>" for t, label in EXPORTS)


def render(report, capacity, title="Pathways", filters=None, may_choose_org=False, sign_out="",
           target_groups=None):
    filters = filters or {}
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
form {{ background: #f3f5f6; padding: 0.6em; display: flex; gap: 0.5em; align-items: center;
        flex-wrap: wrap; }}
table {{ border-collapse: collapse; }} td, th {{ padding: 2px 10px; border-bottom: 1px solid #ddd;
  text-align: left; }} td.n {{ text-align: right; }}
footer {{ color: #777; font-size: 0.8em; margin-top: 2em; }}
</style></head><body>
<form id="sign-out" method="post" action="/dashboard/session/end" style="float: right">
<input type="hidden" name="csrf" value="{html.escape(sign_out)}"><button type="submit">Sign out</button>
</form>
<h1>{html.escape(title)}</h1>
{_filters(filters, may_choose_org)}
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
<h2>Placements per employer</h2>
{_employers(report['per_employer'])}
<h2>Target groups</h2>
{_groups(target_groups) if target_groups else ""}
<p>Download as CSV: {_exports(filters)}</p>
<footer>Built from feed positions {html.escape(positions)}; code {html.escape(built['code_version'])};
generation {built['generation']}; at {built['at']}.</footer>
</body></html>"""


def _basis_table(basis):
    def share(value):
        return "–" if value is None else f"{value * 100:.0f}%"
    rows = "".join(
        f"<tr><td>{html.escape(line['org'])}</td><td class='n'>{line['participant_months']:.2f}"
        f"</td><td class='n'>{line['place_months']:.2f}</td><td class='n'>"
        f"{share(line['use_share'])}</td><td class='n'>{line['results']}</td><td class='n'>"
        f"{html.escape(line['amount'])}</td></tr>" for line in basis["per_org"])
    total = basis["total"]
    return (f"<table class='basis'><caption>{html.escape(basis['month'])} "
            f"({basis['days_in_period']} days in the period)</caption><thead><tr>"
            "<th>organisation</th><th>participant-months</th><th>place-months</th>"
            "<th>use</th><th>results</th><th>amount</th></tr></thead>"
            f"<tbody>{rows}</tbody><tfoot><tr><th>total</th><td class='n'>"
            f"{total['participant_months']:.2f}</td><td class='n'>{total['place_months']:.2f}"
            f"</td><td></td><td class='n'>{total['results']}</td><td class='n'>"
            f"{html.escape(total['amount'])} {html.escape(basis['currency'])}</td></tr></tfoot>"
            "</table>")


def render_refusal(title, message):
    """A page that says why the figures are not shown (e.g. a target group too small)."""
    return (f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>"
            f"{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"<p id='refusal'>{html.escape(message)}</p><p><a href='/dashboard'>All figures"
            f"</a></p></body></html>")


def render_funder(contracts, title, sign_out=""):
    """A funder's dashboard: each of its contracts with the payment basis of recent months
    (``contracts``: [(summary, [basis, ...])]); nothing of any person, nothing else."""
    if not contracts:
        body = "<p class='empty'>No contracts of yours are recorded yet.</p>"
    else:
        body = "".join(
            f"<section class='contract'><h2>{html.escape(c['name'])}</h2><p>"
            f"{html.escape(', '.join(c['orgs']))} · {html.escape(', '.join(c['programmes']))}"
            f" · {c['period_from']} to {c['period_to']} · administered by "
            f"{html.escape(c['administered_by'])}</p>"
            f"{''.join(_basis_table(b) for b in bases)}</section>"
            for c, bases in contracts)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }} caption {{ text-align: left; font-weight:
  bold; }} td, th {{ padding: 2px 10px; border-bottom: 1px solid #ddd; text-align: left; }}
td.n {{ text-align: right; }}
</style></head><body>
<form id="sign-out" method="post" action="/dashboard/session/end" style="float: right">
<input type="hidden" name="csrf" value="{html.escape(sign_out)}"><button type="submit">Sign out</button>
</form>
<h1>{html.escape(title)}</h1>
{body}
</body></html>"""
