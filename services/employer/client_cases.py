"""Company clients: employer's use cases for them (the rules are in ``clients``). Each
organisation's case with an employer is its own; another organisation neither sees nor
changes it."""
import uuid

from pathways.errors import NotFoundError
from pathways.security.callers import Caller
from pathways.timeutil import dated_command
from services.employer.clients import decide_client, fold_client
from services.employer.commands import (CloseClientCase, OpenClientCase, RecordClientNeeds,
                                        RecordRecruitment)


def client_stream(employer_id, org):
    return f"client-{employer_id}-{org}"


class ClientCases:
    """Mixed into ``Employers``: uses its ``commands``, ``clock``, ``zone_of`` and
    ``_employer``."""

    def _client(self, caller: Caller, employer_id, command, data):
        self._employer(employer_id)
        cmd, occurred_at = dated_command(command, {**data, "employer_id": employer_id},
                                         self.zone_of(caller.org), self.clock())
        return self.commands.execute(caller, client_stream(employer_id, caller.org),
                                     fold_client, decide_client, cmd, "client case",
                                     occurred_at=occurred_at, answer=lambda c: c.view())

    def open_client_case(self, caller: Caller, employer_id, data):
        return self._client(caller, employer_id, OpenClientCase,
                            {**data, "coach_id": data.get("coach_id") or caller.id})

    def record_client_needs(self, caller: Caller, employer_id, data):
        return self._client(caller, employer_id, RecordClientNeeds, data)

    def record_recruitment(self, caller: Caller, employer_id, data):
        return self._client(caller, employer_id, RecordRecruitment,
                            {**data, "recruitment_id": str(uuid.uuid4())})

    def close_client_case(self, caller: Caller, employer_id, data):
        return self._client(caller, employer_id, CloseClientCase, data)

    def get_client_case(self, caller: Caller, employer_id):
        self._employer(employer_id)
        case = self.commands.read(client_stream(employer_id, caller.org), fold_client,
                                  lambda c, _: c.view() if c.opened_on else None, caller.org)
        if case is None:
            raise NotFoundError("the employer is not a client of your organisation")
        return case
