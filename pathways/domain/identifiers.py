"""National ID and organisation number checks for Norway, Denmark and Sweden (python-stdnum).

NO fødselsnummer / D-number / H-number: 11 digits, two mod-11 check digits. DK CPR: 10 digits, a
valid date, no check digit (abandoned in 2007). SE personnummer / samordningsnummer (day + 60):
10 or 12 digits, Luhn. NO organisasjonsnummer (9, mod-11), DK CVR (8, mod-11), SE
organisationsnummer (10, Luhn).
"""
from dataclasses import dataclass
from datetime import date

from stdnum import luhn
from stdnum.dk import cpr as dk_cpr
from stdnum.dk import cvr as dk_cvr
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer as no_fnr
from stdnum.no import orgnr as no_orgnr
from stdnum.se import orgnr as se_orgnr
from stdnum.se import personnummer as se_pnr

COUNTRIES = ("NO", "DK", "SE")


class InvalidIdentifier(ValueError):
    """The identifier is not valid for its country; the message says why."""


@dataclass(frozen=True)
class NationalId:
    country: str
    number: str          # compact form, as stored (encrypted) in the vault
    birth_date: date
    gender: str          # "F" | "M", as encoded in the number
    kind: str            # fodselsnummer | d-number | h-number | cpr | personnummer | samordningsnummer


def _no(value):
    number = no_fnr.compact(value)
    try:
        no_fnr.validate(number)
    except StdnumError as err:
        raise InvalidIdentifier(f"not a valid Norwegian fødselsnummer or D-number: {err}") from None
    kind = ("d-number" if int(number[0]) >= 4 else
            "h-number" if int(number[2]) >= 4 else "fodselsnummer")
    return NationalId("NO", number, no_fnr.get_birth_date(number),
                      no_fnr.get_gender(number).upper(), kind)


def _dk(value):
    number = dk_cpr.compact(value)
    try:
        dk_cpr.validate(number)
    except StdnumError as err:
        raise InvalidIdentifier(f"not a valid Danish CPR number: {err}") from None
    return NationalId("DK", number, dk_cpr.get_birth_date(number),
                      "M" if int(number[-1]) % 2 else "F", "cpr")


def _se(value):
    number = se_pnr.compact(value)
    digits = number.replace("-", "").replace("+", "")
    if len(digits) not in (10, 12) or not digits.isdigit():
        raise InvalidIdentifier("not a valid Swedish personnummer: it has 10 or 12 digits")
    day = int(digits[-4 - 2:-4])
    kind = "samordningsnummer" if day > 60 else "personnummer"
    if not luhn.is_valid(digits[-10:]):
        raise InvalidIdentifier(f"not a valid Swedish {kind}: the check digit does not match")
    # stdnum knows plain personnummer dates; a samordningsnummer adds 60 to the day.
    dated = number
    if day > 60:
        plain = digits[:-6] + f"{day - 60:02d}" + digits[-4:]
        dated = plain[:-4] + ("+" if "+" in number else "-") + plain[-4:]
    try:
        born = se_pnr.get_birth_date(dated)
    except StdnumError as err:
        raise InvalidIdentifier(f"not a valid Swedish {kind}: {err}") from None
    return NationalId("SE", number, born, se_pnr.get_gender(number).upper(), kind)


def national_id(country, value):
    """Validate a national ID; returns a :class:`NationalId` or raises InvalidIdentifier."""
    checks = {"NO": _no, "DK": _dk, "SE": _se}
    if country not in checks:
        raise InvalidIdentifier(f"unknown country {country!r}: one of {', '.join(COUNTRIES)}")
    if not isinstance(value, str) or not value.strip():
        raise InvalidIdentifier("a national ID is required")
    return checks[country](value)


def org_number(country, value):
    """Validate an organisation number; returns its compact form or raises InvalidIdentifier."""
    modules = {"NO": (no_orgnr, "Norwegian organisasjonsnummer"),
               "DK": (dk_cvr, "Danish CVR number"), "SE": (se_orgnr, "Swedish organisationsnummer")}
    if country not in modules:
        raise InvalidIdentifier(f"unknown country {country!r}: one of {', '.join(COUNTRIES)}")
    module, name = modules[country]
    try:
        return module.validate(value)
    except StdnumError as err:
        raise InvalidIdentifier(f"not a valid {name}: {err}") from None
