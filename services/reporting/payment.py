"""The payment basis of a contract for a month, as pure functions over reporting's rows: per
organisation the participant-days (weighted by each enrolment's participation percentage as it
stood each day) and participant-months, the place-months bought (after places moved between the
consortium's organisations, from the day they moved), what the rate makes of it, and the results
a result line pays for. As effective on a date: what happened after it has not happened yet
(starts, ends, changes of percentage, moves, extensions), without copying any row.

Participant-months = participant-days / the month's days (NAV's månedsverk: a full-time
participant the whole month is one). Only days within the contract's period count; an enrolment
counts for the contract when its organisation and programme are the contract's."""
import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from services.reporting.projection import WORK_OR_EDUCATION


def month_days(month: str) -> tuple[date, date]:
    year, number = (int(x) for x in month.split("-"))
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def _d(text):
    return date.fromisoformat(text)


def period_to(contract: dict, effective_on: str | None = None) -> str:
    """The period's end after the extensions recorded by ``effective_on``."""
    ends = [contract["period_to"], *(to for day, to in contract.get("extensions") or ()
                                     if effective_on is None or day <= effective_on)]
    return max(ends)


def places_on(contract: dict, org: str, day: str, effective_on: str | None = None) -> int:
    """The places ``org`` has on ``day``: as bought, and after every move from then on."""
    places = contract["places"].get(org, 0)
    for from_date, from_org, to_org, n, recorded in contract.get("moves") or ():
        if from_date <= day and (effective_on is None or recorded <= effective_on):
            places += n if to_org == org else -n if from_org == org else 0
    return places


def participant_days(enrolment: dict, first: date, last: date,
                     effective_on: str | None = None) -> float:
    """Days of ``first``..``last`` the enrolment was participating, each weighted by its
    percentage that day (100 = 1 day)."""
    start = enrolment.get("started_on")
    if not start or (effective_on and start > effective_on) or enrolment.get("voided"):
        return 0.0
    end = enrolment.get("ended_on")
    if end and effective_on and end > effective_on:
        end = None
    lo, hi = max(_d(start), first), min(_d(end), last) if end else last
    if lo > hi:
        return 0.0
    levels = sorted((from_date, percent) for from_date, percent in
                    (enrolment.get("levels") or [[start, 100]])
                    if effective_on is None or from_date <= effective_on)
    if levels:   # the first level holds from the start (also one corrected to earlier)
        levels[0] = (min(levels[0][0], start), levels[0][1])
    total = 0.0
    for i, (from_date, percent) in enumerate(levels):
        seg_lo = max(lo, _d(from_date))
        seg_hi = min(hi, _d(levels[i + 1][0]) - timedelta(days=1)) if i + 1 < len(levels) \
            else hi
        if seg_lo <= seg_hi:
            total += ((seg_hi - seg_lo).days + 1) * percent / 100
    return total


def _money(amount) -> str:
    return str(Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def payment_basis(contract: dict, enrolments, month: str, orgs=None,
                  effective_on: str | None = None) -> dict:
    """The basis for ``month`` (YYYY-MM) of the contract, for its organisations (``orgs``: only
    these of them). ``enrolments``: reporting's enrolment rows (any; those of the contract's
    organisations and programmes count)."""
    first, last = month_days(month)
    length = (last - first).days + 1
    p_from, p_to = _d(contract["period_from"]), _d(period_to(contract, effective_on))
    lo, hi = max(first, p_from), min(last, p_to)
    days = [lo + timedelta(days=i) for i in range((hi - lo).days + 1)] if lo <= hi else []
    shown = [o for o in contract["orgs"] if orgs is None or o in orgs]
    per_org = {o: {"participant_days": 0.0, "results": 0} for o in shown}
    programmes = set(contract["programmes"])
    window = contract.get("result_months")
    for e in enrolments:
        line = per_org.get(e.get("org"))
        if line is None or e.get("programme") not in programmes:
            continue
        if days:
            line["participant_days"] += participant_days(e, days[0], days[-1], effective_on)
        closed = e.get("case_closed_on")
        if window and closed and first.isoformat() <= closed <= last.isoformat() and \
                (effective_on is None or closed <= effective_on) and \
                e.get("case_outcome") in WORK_OR_EDUCATION and e.get("ended_on") and \
                closed <= _months_after(e["ended_on"], window):
            line["results"] += 1
    rate = Decimal(contract["rate"]) if contract.get("rate") is not None else None
    result = Decimal(contract["result_amount"]) if contract.get("result_amount") else None
    lines, totals = [], {"participant_days": 0.0, "participant_months": 0.0,
                         "place_months": 0.0, "results": 0, "amount": Decimal(0)}
    for org in shown:
        line = per_org[org]
        place_days = sum(places_on(contract, org, d.isoformat(), effective_on) for d in days)
        months = line["participant_days"] / length
        amount = (rate * Decimal(str(months)) if rate is not None else Decimal(0)) + \
            (result * line["results"] if result is not None else Decimal(0))
        lines.append({"org": org, "participant_days": round(line["participant_days"], 2),
                      "participant_months": round(months, 4),
                      "place_months": round(place_days / length, 4),
                      "places_on_last_day": places_on(contract, org, hi.isoformat(),
                                                      effective_on) if days else 0,
                      "use_share": round(line["participant_days"] / place_days, 4)
                      if place_days else None,
                      "results": line["results"], "amount": _money(amount)})
        for k in ("participant_days", "results"):
            totals[k] += line[k]
        totals["participant_months"] += months
        totals["place_months"] += place_days / length
        totals["amount"] += amount
    return {"contract_id": contract["contract_id"], "month": month,
            "days_in_period": len(days), "period_to": p_to.isoformat(),
            "currency": contract["currency"], "rate": contract.get("rate"),
            "per_org": lines,
            "total": {"participant_days": round(totals["participant_days"], 2),
                      "participant_months": round(totals["participant_months"], 4),
                      "place_months": round(totals["place_months"], 4),
                      "results": totals["results"], "amount": _money(totals["amount"])},
            "budget": budget(contract, last, effective_on)}


def budget(contract: dict, until: date, effective_on: str | None = None) -> dict:
    """The funding lines' total, and the share of the period elapsed by ``until``."""
    p_from, p_to = _d(contract["period_from"]), _d(period_to(contract, effective_on))
    elapsed = min(max((until - p_from).days + 1, 0), (p_to - p_from).days + 1)
    return {"funding": _money(sum((Decimal(line["amount"]) for line in
                                   contract.get("lines") or ()), Decimal(0))),
            "period_elapsed_share": round(elapsed / ((p_to - p_from).days + 1), 4)}


def _months_after(day: str, months: int) -> str:
    d = _d(day)
    year, month = divmod(d.month - 1 + months, 12)
    year, month = d.year + year, month + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1])).isoformat()
