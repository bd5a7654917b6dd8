"""Tables as CSV answers: a header row always, cells a spreadsheet would run as formulas quoted
(OWASP CSV injection), never cached."""
import csv
import io

from pathways.runtime.http import NO_STORE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """Text from outside (an employer's name, a programme code) that a spreadsheet would run as a
    formula is prefixed with a quote; numbers we computed stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_response(name, columns, rows, headers=None):
    """``rows`` (dicts) as a CSV download ``pathways-<name>.csv`` with ``columns``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: csv_cell(v) for k, v in row.items()} for row in rows)
    return 200, {**NO_STORE, "Content-Type": "text/csv; charset=utf-8",
                 "Content-Disposition": f'attachment; filename="pathways-{name}.csv"',
                 **(headers or {})}, out.getvalue()
