"""The payment basis of a contract for a month, as pure functions over reporting's rows: per
organisation the participant-days (weighted by each enrolment's participation percentage as it
stood each day) and participant-months, the place-months bought (after places moved between the
consortium's organisations, from the day they moved), what the rate makes of it, the results
a result line pays for, and the participants' own fees for the month (charged, paid). As effective on a date: what happened after it has not happened yet
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


def stretches(enrolment: dict, first: date, last: date, effective_on: str | None = None):
    """``(from, to, percent)`` for each stretch of ``first``..``last`` the enrolment was
    participating at one percentage (as effective on ``effective_on``: later starts, ends and
    changes have not happened)."""
    start = enrolment.get("started_on")
    if not start or (effective_on and start > effective_on) or enrolment.get("voided"):
        return
    end = enrolment.get("ended_on")
    if end and effective_on and end > effective_on:
        end = None
    lo, hi = max(_d(start), first), min(_d(end), last) if end else last
    if lo > hi:
        return
    levels = sorted((from_date, percent) for from_date, percent in
                    (enrolment.get("levels") or [[start, 100]])
                    if effective_on is None or from_date <= effective_on)
    # the first level holds from the start (also one corrected to earlier)
    levels[0] = (min(levels[0][0], start), levels[0][1])
    for i, (from_date, percent) in enumerate(levels):
        seg_lo = max(lo, _d(from_date))
        seg_hi = min(hi, _d(levels[i + 1][0]) - timedelta(days=1)) if i + 1 < len(levels) \
            else hi
        if seg_lo <= seg_hi:
            yield seg_lo, seg_hi, percent


def participant_days(enrolment: dict, first: date, last: date,
                     effective_on: str | None = None) -> float:
    """Days of ``first``..``last`` the enrolment was participating, each weighted by its
    percentage that day (100 = 1 day)."""
    return sum(((hi - lo).days + 1) * percent / 100
               for lo, hi, percent in stretches(enrolment, first, last, effective_on))


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
    per_org = {o: {"participant_days": 0.0, "results": 0, "fees_charged": Decimal(0),
                   "fees_paid": Decimal(0)} for o in shown}
    programmes = set(contract["programmes"])
    window = contract.get("result_months")
    for e in enrolments:
        line = per_org.get(e.get("org"))
        if line is None or e.get("programme") not in programmes:
            continue
        if days:
            line["participant_days"] += participant_days(e, days[0], days[-1], effective_on)
        for day, fee_month, kind, amount in e.get("fees") or ():
            if fee_month == month and (effective_on is None or day <= effective_on):
                line[f"fees_{kind}"] += Decimal(amount)
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
                      "results": line["results"], "amount": _money(amount),
                      "fees_charged": _money(line["fees_charged"]),
                      "fees_paid": _money(line["fees_paid"])})
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


def costs(contract: dict, enrolments, until: str, orgs=None,
          effective_on: str | None = None) -> dict:
    """What the contract has cost from the start of its period to the end of month ``until``
    (or of the period): per organisation and in total, what was paid (by the rate and the
    result line; a contract with neither is paid its funding evenly over the period), the
    participants and place-months it bought, the outcomes in work or education, and the cost
    of each; and the budget used against the period gone. One pass over the enrolments: each
    stretch at one percentage is summed with a running sum of 1/(its month's days)."""
    p_from = _d(contract["period_from"])
    p_to = _d(period_to(contract, effective_on))
    last = min(month_days(until)[1], p_to)
    span = max((last - p_from).days + 1, 0)
    weight, running = [0.0] * (span + 1), 0.0   # weight[k]: months in the first k days
    for k in range(span):
        day = p_from + timedelta(days=k)
        running += 1 / calendar.monthrange(day.year, day.month)[1]
        weight[k + 1] = running

    def months(lo: date, hi: date) -> float:
        return weight[(hi - p_from).days + 1] - weight[(lo - p_from).days] if lo <= hi else 0.0
    shown = [o for o in contract["orgs"] if orgs is None or o in orgs]
    per_org = {o: {"participant_months": 0.0, "participants": 0, "outcomes": 0} for o in shown}
    programmes, window = set(contract["programmes"]), contract.get("result_months")
    for e in enrolments:
        line = per_org.get(e.get("org"))
        if line is None or e.get("programme") not in programmes or span == 0:
            continue
        bought = sum(months(lo, hi) * percent / 100
                     for lo, hi, percent in stretches(e, p_from, last, effective_on))
        if bought:
            line["participant_months"] += bought
            line["participants"] += 1
        closed = e.get("case_closed_on")
        if closed and contract["period_from"] <= closed <= last.isoformat() and \
                (effective_on is None or closed <= effective_on) and \
                e.get("case_outcome") in WORK_OR_EDUCATION and \
                (not window or (e.get("ended_on") and
                                closed <= _months_after(e["ended_on"], window))):
            line["outcomes"] += 1
    rate = Decimal(contract["rate"]) if contract.get("rate") is not None else None
    result = Decimal(contract["result_amount"]) if contract.get("result_amount") else None
    spent = budget(contract, last, effective_on)
    funding = Decimal(spent["funding"])
    lines = []
    for org in shown:
        line = per_org[org]
        place_months = sum(places_on(contract, org, (p_from + timedelta(days=k)).isoformat(),
                                     effective_on) * (weight[k + 1] - weight[k])
                           for k in range(span))
        if rate is None and result is None:   # funded, not paid per month: evenly, by places
            total_places = sum(contract["places"].values()) or 1
            paid = funding * Decimal(spent["period_elapsed_share"]) * \
                Decimal(contract["places"].get(org, 0)) / total_places
        else:
            paid = (rate or 0) * Decimal(str(line["participant_months"])) + \
                (result or 0) * line["outcomes"]
        lines.append({"org": org, **_cost_figures(paid, line, place_months)})
    total = {"participant_months": sum(x["participant_months"] for x in lines),
             "participants": sum(x["participants"] for x in lines),
             "outcomes": sum(x["outcomes"] for x in lines)}
    paid = sum((Decimal(x["paid"]) for x in lines), Decimal(0))
    return {"contract_id": contract["contract_id"], "from": contract["period_from"],
            "until": last.isoformat(), "currency": contract["currency"], "per_org": lines,
            "total": _cost_figures(paid, total, sum(x["place_months"] for x in lines)),
            "budget": {**spent, "used_share": round(float(paid / funding), 4)
                       if funding else None}}


def _cost_figures(paid, line, place_months) -> dict:
    def per(n):
        return _money(paid / Decimal(str(n))) if n else None
    return {"paid": _money(paid), "participant_months": round(line["participant_months"], 4),
            "participants": line["participants"], "outcomes": line["outcomes"],
            "place_months": round(place_months, 4),
            "cost_per_participant": per(line["participants"]),
            "cost_per_outcome": per(line["outcomes"]),
            "cost_per_place_month": per(place_months)}
