"""A network's rules (Roskilde's Nextwork: young people and firms who meet, visit and take part
together): a run of a network kind has member firms beside its participants, and activities
that gather both. Pure; ``decide_run`` calls these."""
from pathways.contracts.intake import FirmJoinedNetwork, FirmLeftNetwork, NetworkActivityHeld
from pathways.contracts.programmes import KINDS
from pathways.domain.decider import DomainError, FieldProblem


def member_on(members, employer_id, day):
    """Whether the firm was a member on ``day``: ``members`` {employer id: [[joined, left]]}."""
    return any(joined <= day and (left is None or day <= left)
               for joined, left in members.get(employer_id, ()))


def _a_network(run):
    if not KINDS[run.programme].network:
        raise DomainError("not_a_network", f"{run.programme} is not a network: it has no "
                                           "member firms or network activities")


def _by_today(cmd):
    if cmd.date > cmd.today:
        raise DomainError("date_in_future", f"date {cmd.date} is after today ({cmd.today})")


def join(run, cmd):
    _a_network(run)
    _by_today(cmd)
    spells = run.members.get(cmd.employer_id, [])
    if spells and spells[-1][1] is None:
        if spells[-1][0] == cmd.date:
            return []
        raise DomainError("already_member", f"{cmd.employer_id} is a member since "
                                            f"{spells[-1][0]}")
    if spells and cmd.date <= spells[-1][1]:
        raise DomainError("dates_out_of_order", f"{cmd.employer_id} left on {spells[-1][1]}: "
                                                "it joins again after that")
    return [FirmJoinedNetwork(run_id=run.run_id, employer_id=cmd.employer_id)]


def leave(run, cmd):
    _a_network(run)
    _by_today(cmd)
    spells = run.members.get(cmd.employer_id, [])
    if not spells or spells[-1][1] is not None:
        raise FieldProblem("employer_id", f"{cmd.employer_id} is not a member of this network")
    if cmd.date < spells[-1][0]:
        raise DomainError("dates_out_of_order", f"{cmd.employer_id} joined on {spells[-1][0]}")
    return [FirmLeftNetwork(run_id=run.run_id, employer_id=cmd.employer_id)]


def hold(run, cmd):
    """An activity on ``cmd.date``: its participants take part in the network that day (started,
    not ended), its firms (and host) are members that day."""
    _a_network(run)
    _by_today(cmd)
    if cmd.activity_id in run.activities:
        raise DomainError("already_exists", "activity already recorded")
    away = [eid for eid in cmd.participants if not _taking_part(run.enrolments.get(eid),
                                                                  cmd.date)]
    if away:
        raise FieldProblem("participants", f"not taking part in this network on {cmd.date}: "
                                           f"{', '.join(sorted(away)[:10])}")
    firms = [*cmd.firms, *([cmd.host] if cmd.host and cmd.host not in cmd.firms else [])]
    outside = [f for f in firms if not member_on(run.members, f, cmd.date)]
    if outside:
        field = "firms" if any(f in cmd.firms for f in outside) else "host"
        raise FieldProblem(field, f"not a member of this network on {cmd.date}: "
                                  f"{', '.join(sorted(outside)[:10])}")
    return [NetworkActivityHeld(run_id=run.run_id, activity_id=cmd.activity_id, kind=cmd.kind,
                                host=cmd.host, enrolment_ids=sorted(set(cmd.participants)),
                                employer_ids=sorted(set(firms)))]


def _taking_part(e, day):
    return e is not None and e.start_date is not None and e.start_date <= day and \
        e.state != "registered_in_error" and (e.end_date is None or day <= e.end_date)
