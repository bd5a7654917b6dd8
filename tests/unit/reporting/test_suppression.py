"""Small-cell suppression: counts under k hidden, and an attacker with the row, column and
table totals cannot get them back (the test tries, by subtraction line after line)."""
import random

from services.reporting.groups import breakdown
from services.reporting.suppression import suppress


def recover(table):
    """What an attacker works out from a published breakdown: any line (a row with its total,
    a column with its total, the totals with the table's) with one hidden count gives it by
    subtraction; repeated until nothing more comes out. Returns {position: value} recovered."""
    columns = list(table["column_totals"])
    known, lines = {}, []
    for line in table["table"]:
        lines.append([(("cell", line["group"], c), line["cells"][c]) for c in columns]
                     + [(("row", line["group"]), line["total"])])
    for c in columns:
        lines.append([(("cell", line["group"], c), line["cells"][c]) for line in table["table"]]
                     + [(("column", c), table["column_totals"][c])])
    lines.append([(("row", line["group"]), line["total"]) for line in table["table"]]
                 + [(("total",), table["total"])])
    lines.append([(("column", c), table["column_totals"][c]) for c in columns]
                 + [(("total",), table["total"])])
    value = {pos: v for line in lines for pos, v in line if not isinstance(v, str)}
    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [pos for pos, _ in line if pos not in value]
            if len(unknown) != 1:
                continue
            total_pos = line[-1][0]
            parts = sum(value[pos] for pos, _ in line[:-1] if pos in value)
            if unknown[0] == total_pos:
                value[total_pos] = parts
            else:
                value[unknown[0]] = value[total_pos] - parts
            known[unknown[0]] = value[unknown[0]]
            progress = True
    return known


def rows_of(cells):
    """Enrolment rows that give ``cells`` ({(age band, gender): n}) as starts."""
    out = []
    for (band, gender), n in cells.items():
        born = {"16-24": 2004, "25-29": 1998, "30-39": 1990, "40-49": 1980}[band]
        out += [{"birth_year": born, "gender": gender, "started_on": "2026-01-05"}] * n
    return out


def test_a_cell_of_three_shows_as_under_five_and_cannot_be_recovered():
    cells = {("16-24", "F"): 3, ("16-24", "M"): 12, ("25-29", "F"): 9, ("25-29", "M"): 14,
             ("30-39", "F"): 20, ("30-39", "M"): 6}
    found = breakdown(rows_of(cells), lambda e: True, "age_band", "gender", 5)
    young = next(line for line in found["table"] if line["group"] == "16-24")
    assert young["cells"]["F"] == "<5"
    assert young["cells"]["M"] == "<5"        # or 3 = total - 12
    assert found["column_totals"]["F"] == 32 and found["total"] == 64
    assert recover(found) == {}               # nothing hidden comes back
    # a gender nobody has is a zero: shown, it tells nothing
    assert young["cells"]["X"] == 0


def test_a_lone_small_row_hides_its_total_too():
    cells = {("16-24", "F"): 3, ("25-29", "F"): 9, ("25-29", "M"): 14}
    found = breakdown(rows_of(cells), lambda e: True, "age_band", "gender", 5)
    young = next(line for line in found["table"] if line["group"] == "16-24")
    assert (young["cells"]["F"], young["total"]) == ("<5", "<5")
    assert not {pos for pos in recover(found) if pos[0] == "cell" and pos[1] == "16-24"}


def test_random_tables_never_give_a_small_count_away():
    rng = random.Random(5)
    for _ in range(300):
        rows = [f"r{i}" for i in range(rng.randrange(1, 6))]
        columns = [f"c{j}" for j in range(rng.randrange(1, 5))]
        cells = {(r, c): rng.choice((0, 1, 2, 3, 4, 5, 8, 13, 40)) for r in rows for c in columns}
        hidden = suppress(cells, rows, columns, 5)
        assert {("cell", r, c) for (r, c), n in cells.items() if 0 < n < 5} <= hidden
        published = {"column_totals": {c: "<5" if ("column", c) in hidden else
                                       sum(cells[r, c] for r in rows) for c in columns},
                     "total": "<5" if ("total",) in hidden else sum(cells.values()),
                     "table": [{"group": r, "cells": {c: "<5" if ("cell", r, c) in hidden
                                                       else cells[r, c] for c in columns},
                                "total": "<5" if ("row", r) in hidden else
                                sum(cells[r, c] for c in columns)} for r in rows]}
        small = {("cell", r, c) for (r, c), n in cells.items() if 0 < n < 5}
        assert not small & set(recover(published)), (cells, hidden)


def test_without_suppression_the_attack_would_work():
    """The attacker is real: with only the small cell hidden, it comes back."""
    table = {"column_totals": {"F": 12, "M": 26}, "total": 38,
             "table": [{"group": "16-24", "cells": {"F": "<5", "M": 12}, "total": 15},
                       {"group": "25-29", "cells": {"F": 9, "M": 14}, "total": 23}]}
    assert recover(table) == {("cell", "16-24", "F"): 3}
