"""Steps of the platform's main flow, through the services' HTTP APIs."""
PERSON = {"country": "NO", "national_id": "15108695088", "given_name": "Kari",
          "family_name": "Nordmann", "municipality": "0301", "needs_group": "situational"}
REFERRED = "2026-01-02"   # referrals are dated before the starts the flows record
FIRM = {"country": "NO", "org_number": "988077917", "name": "Fjord Verksted AS",
        "sector": "manufacturing", "municipality": "4601"}


def enrolled_participant(intake, national_id="15108695088", places=3, run_id=None):
    """A run (made if not given) and a participant enrolled and participating in it."""
    cw, co = intake["caseworker"], intake["coordinator"]
    if run_id is None:
        run_id = co.call("POST", "/runs", {"programme": "office_places", "name": "Kontor",
                                            "places": places}, expect=201)["run_id"]
    pid = cw.call("POST", "/participants", {**PERSON, "national_id": national_id},
                  expect=201)["participant_id"]
    e = cw.call("POST", f"/runs/{run_id}/enrolments", {"participant_id": pid,
                                                        "date": REFERRED}, expect=201)
    path = f"/runs/{run_id}/enrolments/{e['enrolment_id']}"
    cw.call("POST", f"{path}/consent", {"given_by": "participant"})
    state = cw.call("POST", f"{path}/apply")["state"]
    if state == "place_allocated":
        cw.call("POST", f"{path}/start", {"start_date": "2026-01-05", "percent": 100,
                                          "days_per_week": 5})
    return run_id, e["enrolment_id"]


def opportunity(employer, places=1, **over):
    co = employer["coordinator"]
    firm = _firm(co)
    return co.call("POST", "/opportunities", {
        "employer_id": firm["employer_id"], "kind": "ordinary_job", "title": "CNC-operatør",
        "places": places, "valid_from": "2026-01-01", **over}, expect=201)


def _firm(co):
    resp = co.session.get(co.base + f"/employers/NO-{FIRM['org_number']}")
    if resp.status_code == 200:
        return resp.json()
    return co.call("POST", "/employers", FIRM, expect=201)


def agreed_placement(placement, enrolment_id, opp, **over):
    cw = placement["caseworker"]
    p = cw.call("POST", f"/cases/{enrolment_id}/placements", {
        "employer_id": opp["employer_id"], "opportunity_id": opp["opportunity_id"],
        "kind": "ordinary_job", "hours_per_week": 37.5, "start_date": "2026-02-01", **over},
        expect=201)
    for party in ("participant", "employer", "caseworker"):
        p = cw.call("POST", f"/cases/{enrolment_id}/placements/{p['placement_id']}/approve",
                    {"party": party})
    assert p["state"] == "agreed"
    return p
