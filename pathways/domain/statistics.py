"""Small statistics the reports share."""


def spread(counts: dict) -> dict:
    """n, median and p90 of the values ``counts`` holds ({value: how many}); None for both
    when there are none."""
    n = sum(counts.values())
    if not n:
        return {"n": 0, "median": None, "p90": None}
    ordered = sorted(counts.items())

    def nth(k):   # the k-th smallest value, from 0
        for value, many in ordered:
            if k < many:
                return value
            k -= many
    median = nth(n // 2) if n % 2 else (nth(n // 2 - 1) + nth(n // 2)) / 2
    return {"n": n, "median": median, "p90": nth(min(n - 1, int(round(0.9 * (n - 1)))))}
