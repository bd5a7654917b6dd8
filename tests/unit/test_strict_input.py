"""What the documents promise is what the server takes: booleans are JSON booleans, cohorts and
dates lie between 1900 and 2199, and `Pathways-After` is exactly its documented pattern."""
import re

import pytest
from marshmallow import ValidationError

from pathways.errors import BadRequest
from pathways.runtime.http import parse_positions, positions_pattern
from services.intake.commands import CreateRunSchema, ParticipationSchema
from services.reporting.schemas import ReportQuerySchema

RUN = {"programme": "office_places", "name": "Kontor", "places": 15}


@pytest.mark.parametrize("value", [0, 1, "true", "false", "yes", None])
def test_a_flag_is_a_json_boolean_and_nothing_else(value):
    with pytest.raises(ValidationError) as refused:
        CreateRunSchema().load({**RUN, "approval_required": value})
    assert "approval_required" in refused.value.messages
    assert CreateRunSchema().load({**RUN, "approval_required": True})["approval_required"] is True


@pytest.mark.parametrize("value,taken", [(80, 80), (80.0, 80), (80.5, None), ("80", None),
                                         (True, None), (None, None), (float("inf"), None)])
def test_a_whole_number_is_what_json_schema_calls_an_integer(value, taken):
    body = {"percent": value, "days_per_week": 5}
    if taken is None:
        with pytest.raises(ValidationError):
            ParticipationSchema().load(body)
    else:
        assert ParticipationSchema().load(body)["percent"] == taken


@pytest.mark.parametrize("cohort", ["ending:9999-99", "enrolment:0000-00", "ending:2026-13",
                                    "ending:1899-12", "ending:2200-01"])
def test_a_cohort_is_a_real_month_within_the_platform_s_years(cohort):
    with pytest.raises(ValidationError):
        ReportQuerySchema().load({"cohort": [cohort]})
    assert ReportQuerySchema().load({"cohort": ["ending:2026-03"]})["cohort"] == "ending:2026-03"


@pytest.mark.parametrize("header", ["intake=1", "intake=1,placement=22", "intake=1, placement=2"])
def test_positions_parse_exactly_what_the_pattern_admits(header):
    assert re.fullmatch(positions_pattern(("intake", "placement")), header)
    assert parse_positions(header)


@pytest.mark.parametrize("header", ["intake", "intake=", " intake=1", "intake=1 ", "intake=1,",
                                    "intake=1,  placement=2", "intake=-1", "intake=1;x",
                                    "Intake=1", "intake=1234567890123456789"])
def test_anything_else_is_a_400_naming_the_header(header):
    assert not re.fullmatch(positions_pattern(("intake", "placement")), header)
    with pytest.raises(BadRequest) as refused:
        parse_positions(header)
    assert "Pathways-After" in refused.value.errors
