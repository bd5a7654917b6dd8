"""Company clients of a business coach (Strömstad): the employer as a client with a case of
its own in one organisation (stream ``client-<employer>-<org>``): its needs, the skills it asks
for, the recruitments it made. Pure rules; ``client_cases`` runs them."""
from dataclasses import dataclass, field

from pathways.contracts.employer import (ClientCaseClosed, ClientNeedsRecorded,
                                         ClientRecruitmentMade, CompanyClientOpened)
from pathways.domain.decider import DomainError, Fold
from services.employer.commands import (CloseClientCase, OpenClientCase, RecordClientNeeds,
                                        RecordRecruitment)


@dataclass
class ClientCase:
    employer_id: str | None = None
    coach_id: str | None = None
    opened_on: str | None = None
    closed_on: str | None = None
    needs: list = field(default_factory=list)
    skills: list = field(default_factory=list)
    recruitments: dict = field(default_factory=dict)   # id -> {date, count, skills, programme}

    @property
    def open(self):
        return self.opened_on is not None and self.closed_on is None

    def view(self):
        return {"employer_id": self.employer_id, "coach_id": self.coach_id,
                "opened_on": self.opened_on, "closed_on": self.closed_on,
                "needs": self.needs, "skills": self.skills,
                "recruited": sum(r["count"] for r in self.recruitments.values()),
                "recruitments": sorted(self.recruitments.values(), key=lambda r: r["date"])}


def decide_client(case: ClientCase, cmd) -> list:
    if cmd.date > cmd.today:
        raise DomainError("date_in_future", f"date {cmd.date} is after today ({cmd.today})")
    if isinstance(cmd, OpenClientCase):
        if case.open:
            raise DomainError("client_case_open", f"the employer is a client of yours since "
                                                  f"{case.opened_on}")
        if case.closed_on and cmd.date <= case.closed_on:
            raise DomainError("dates_out_of_order", f"the case was closed on {case.closed_on}")
        return [CompanyClientOpened(employer_id=cmd.employer_id, coach_id=cmd.coach_id,
                                    needs=cmd.needs, skills=cmd.skills)]
    if not case.open:
        raise DomainError("no_client_case", "the employer is not a client of yours (open a "
                                            "case first)")
    if cmd.date < case.opened_on:
        raise DomainError("dates_out_of_order", f"the case was opened on {case.opened_on}")
    if isinstance(cmd, RecordClientNeeds):
        if (case.needs, case.skills) == (cmd.needs, cmd.skills):
            return []
        return [ClientNeedsRecorded(employer_id=cmd.employer_id, needs=cmd.needs,
                                    skills=cmd.skills)]
    if isinstance(cmd, RecordRecruitment):
        return [ClientRecruitmentMade(employer_id=cmd.employer_id,
                                      recruitment_id=cmd.recruitment_id, count=cmd.count,
                                      skills=cmd.skills, programme=cmd.programme)]
    if isinstance(cmd, CloseClientCase):
        return [ClientCaseClosed(employer_id=cmd.employer_id, reason=cmd.reason)]
    raise DomainError("unknown_command", f"unknown command {type(cmd).__name__}")


def evolve_client(case: ClientCase, event) -> ClientCase:
    p, day = event.payload, str(event.occurred_on)
    match event:
        case CompanyClientOpened():
            case.employer_id, case.coach_id = p["employer_id"], p["coach_id"]
            case.opened_on, case.closed_on = day, None
            case.needs, case.skills = list(p["needs"]), list(p["skills"])
        case ClientNeedsRecorded():
            case.needs, case.skills = list(p["needs"]), list(p["skills"])
        case ClientRecruitmentMade():
            case.recruitments[p["recruitment_id"]] = {
                "date": day, "count": p["count"], "skills": list(p["skills"]),
                "programme": p["programme"]}
        case ClientCaseClosed():
            case.closed_on = day
    return case


fold_client = Fold(ClientCase, evolve_client)
