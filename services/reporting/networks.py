"""A network's figures (Roskilde's Nextwork: ~120 young people and ~60 firms over two years):
member firms, firms active (attending an activity) and young people attending per quarter,
and what became of its participants. Pure, over reporting's rows."""
from collections import defaultdict

from pathways.contracts.programmes import KINDS
from services.reporting.kpis import _ended, _match, _started, _work_or_education


def quarter(day):
    return f"{day[:4]}-Q{(int(day[5:7]) - 1) // 3 + 1}"


def network_figures(rows, filters):
    """Per network run the filters select (``org``, ``programme``, ``run_id``, ``from``,
    ``to``): members now and ever, per quarter the activities, firms active and participants
    attending, and the participants' starts, ends and ends in work or education."""
    f = filters or {}
    runs = [r for r in rows["runs"].values()
            if KINDS.get(r.get("programme")) and KINDS[r["programme"]].network and _match(r, f)]
    wanted = {r["run_id"] for r in runs}
    activities = defaultdict(list)
    for a in rows["activities"].values():
        if a["run_id"] in wanted and _in(a["on"], f):
            activities[a["run_id"]].append(a)
    enrolments = defaultdict(list)
    for e in rows["enrolments"].values():
        if e.get("run_id") in wanted and not e.get("excluded"):
            enrolments[e["run_id"]].append(e)
    return {"networks": [_one(r, activities[r["run_id"]], enrolments[r["run_id"]], f)
                         for r in sorted(runs, key=lambda r: (r["org"], r["name"],
                                                              r["run_id"]))]}


def _in(day, f):
    return (not f.get("from") or day >= f["from"]) and (not f.get("to") or day <= f["to"])


def _one(run, activities, enrolments, f):
    members = {}
    for day, firm, change in run.get("membership") or ():
        members[firm] = change == "joined"
    per = defaultdict(lambda: {"activities": 0, "company_visits": 0, "firms": set(),
                               "participants": set()})
    for a in activities:
        q = per[quarter(a["on"])]
        q["activities"] += 1
        q["company_visits"] += a["kind"] == "company_visit"
        q["firms"].update(a["employer_ids"])
        q["participants"].update(a["enrolment_ids"])
    started = [e for e in enrolments if _started(e)]
    ended = [e for e in started if _ended(e, f)]
    return {
        "run_id": run["run_id"], "org": run["org"], "name": run["name"],
        "programme": run["programme"],
        "members": sum(members.values()), "members_ever": len(members),
        "participants": len(started),
        "firms_active": len({x for q in per.values() for x in q["firms"]}),
        "participants_attending": len({x for q in per.values() for x in q["participants"]}),
        "per_quarter": [{"quarter": k, "activities": q["activities"],
                         "company_visits": q["company_visits"], "firms_active": len(q["firms"]),
                         "participants_attending": len(q["participants"])}
                        for k, q in sorted(per.items())],
        "ended": len(ended),
        "work_or_education": sum(1 for e in ended if _work_or_education(e)),
    }
