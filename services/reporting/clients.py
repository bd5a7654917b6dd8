"""Company clients' figures (Strömstad: companies as clients of a business coach): the
recruitments each client made, and the skills clients ask for against the programmes the
organisations offer that train them. Pure, over reporting's rows."""
from collections import Counter

from pathways.contracts.programmes import SKILLS
from services.reporting.kpis import _match


def client_figures(rows, filters):
    """``filters``: ``org`` (the clients' organisations and the runs they offer), ``from`` and
    ``to`` (recruitments in the period)."""
    f = filters or {}
    clients = [c for c in rows["clients"].values() if _match(c, {"org": f.get("org")})]
    names = rows["employers"]
    per_client, asking, recruited_with = [], Counter(), Counter()
    for c in sorted(clients, key=lambda c: (c["org"], c["employer_id"])):
        needs, skills = (c["asks"][-1][1], c["asks"][-1][2]) if c.get("asks") else ([], [])
        made = [r for r in c.get("recruitments") or () if _in(r[0], f)]
        if not c.get("closed_on"):
            asking.update(skills)
        for _, count, with_skills, _ in made:
            for skill in with_skills:
                recruited_with[skill] += count
        per_client.append({
            "org": c["org"], "employer_id": c["employer_id"],
            "name": (names.get(c["employer_id"]) or {}).get("name"),
            "coach_id": c["coach_id"], "opened_on": c["opened_on"],
            "closed_on": c.get("closed_on"), "needs": needs, "skills": skills,
            "recruited": sum(r[1] for r in made),
            "through_programmes": sum(r[1] for r in made if r[3])})
    offered = Counter(r["programme"] for r in rows["runs"].values()
                      if _match(r, {"org": f.get("org")}))
    skills = [{"skill": s, "clients_asking": asking[s], "recruited_with": recruited_with[s],
               "trained_by": list(SKILLS[s]),
               "runs_offered": sum(offered[k] for k in SKILLS[s])}
              for s in SKILLS if asking[s] or recruited_with[s]]
    return {"open": sum(1 for c in clients if not c.get("closed_on")),
            "recruited": sum(c["recruited"] for c in per_client),
            "per_client": per_client, "skills": skills,
            "unmet": [s["skill"] for s in skills if s["clients_asking"] and
                      not s["runs_offered"]]}


def _in(day, f):
    return (not f.get("from") or day >= f["from"]) and (not f.get("to") or day <= f["to"])
