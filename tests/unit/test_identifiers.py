from datetime import date

import pytest

from pathways.domain.identifiers import InvalidIdentifier, national_id, org_number


@pytest.mark.parametrize("country,value,born,gender,kind", [
    ("NO", "15108695088", date(1986, 10, 15), "F", "fodselsnummer"),
    ("NO", "151086 95088", date(1986, 10, 15), "F", "fodselsnummer"),
    ("NO", "55108695071", date(1986, 10, 15), "F", "d-number"),
    ("DK", "211062-5629", date(1862, 10, 21), "M", "cpr"),
    ("SE", "880320-0016", date(1988, 3, 20), "M", "personnummer"),
    ("SE", "19880320-0016", date(1988, 3, 20), "M", "personnummer"),
    ("SE", "701063-2391", date(1970, 10, 3), "M", "samordningsnummer"),
    ("SE", "197010632391", date(1970, 10, 3), "M", "samordningsnummer"),
])
def test_valid_national_ids_give_birth_date_gender_and_kind(country, value, born, gender, kind):
    nid = national_id(country, value)
    assert (nid.birth_date, nid.gender, nid.kind) == (born, gender, kind)


@pytest.mark.parametrize("country,value,message", [
    ("NO", "15108695089", "check digit"),
    ("NO", "1510869508", "length"),
    ("DK", "3210625629", "date"),
    ("SE", "880320-0017", "check digit"),
    ("SE", "88032", "10 or 12 digits"),
    ("FI", "131052-308T", "unknown country"),
    ("NO", "  ", "required"),
])
def test_invalid_national_ids_say_why(country, value, message):
    with pytest.raises(InvalidIdentifier, match=f"(?i){message}"):
        national_id(country, value)


def test_organisation_numbers():
    assert org_number("NO", "988 077 917") == "988077917"
    assert org_number("DK", "13585628") == "13585628"
    assert org_number("SE", "556036-0793") == "5560360793"
    for country, bad in (("NO", "988077918"), ("DK", "13585627"), ("SE", "5560360794")):
        with pytest.raises(InvalidIdentifier, match="not a valid"):
            org_number(country, bad)
