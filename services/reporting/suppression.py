"""Small-cell suppression of a table with its totals, as official statistics publish them.

Primary: a count from 1 to k-1 is not shown. Secondary: a table shows its row and column totals,
so a row (or column, or the totals themselves) with exactly one hidden count would give it away
by subtraction; another count of that line is hidden too, the smallest above zero (a cell before
a total), until no line has exactly one. Zeros are shown: an empty cell tells nothing about a
person. What this does not cover: the same population cut two ways in two requests (linked
tables); the threshold on target-group filters (``groups.check_group_size``) is the guard there.
"""


def suppress(cells, row_keys, column_keys, k):
    """``cells``: {(row, column): count}. Returns the set of hidden positions, each
    ``("cell", row, column)``, ``("row", row)``, ``("column", column)`` or ``("total",)``."""
    value = {("cell", r, c): cells.get((r, c), 0) for r in row_keys for c in column_keys}
    for r in row_keys:
        value["row", r] = sum(cells.get((r, c), 0) for c in column_keys)
    for c in column_keys:
        value["column", c] = sum(cells.get((r, c), 0) for r in row_keys)
    value["total",] = sum(value["row", r] for r in row_keys)
    lines = [[("cell", r, c) for c in column_keys] + [("row", r)] for r in row_keys]
    lines += [[("cell", r, c) for r in row_keys] + [("column", c)] for c in column_keys]
    lines.append([("row", r) for r in row_keys] + [("total",)])
    lines.append([("column", c) for c in column_keys] + [("total",)])
    hidden = {pos for pos, n in value.items() if 0 < n < k}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(pos in hidden for pos in line) != 1:
                continue
            shown = [pos for pos in line if pos not in hidden]
            # the smallest count above zero, a cell before a total; else any (a zero cell)
            hidden.add(min(shown, key=lambda pos: (value[pos] == 0, value[pos],
                                                   pos[0] != "cell")))
            changed = True
    return hidden
