"""The results: medians, the table, the ratios and the goals (PASS/FAIL)."""

from __future__ import annotations

import statistics

NO_GALLERIES = "n/a (--no-galleries)"
GB = 10**9  # the memory goal is 1 GB in decimal units, the stricter reading

# (label, tool, measurement) rows of the timing part of the table
TIME_ROWS = [
    ("ours: cold build (s)", "ours", "cold"),
    ("ours: rebuild, no change (s)", "ours", "warm"),
    ("ours: rebuild, one release edited (s)", "ours", "edit"),
    ("ours: rebuild, one photo added (s)", "ours", "photo"),
    ("core: cold build (s)", "core", "cold"),
    ("core: rebuild, no change (s)", "core", "warm"),
    ("core: rebuild, one file edited (s)", "core", "edit"),
]


def median(samples):
    return statistics.median(samples) if samples else None


def summarise_size(raw: dict) -> dict:
    """Medians, pages per second, peak memory and ratios of one corpus size."""
    result = {key: raw[key] for key in ("sources", "releases", "text", "warnings", "code_fingerprint", "edited_file", "commands")}
    for tool in ("ours", "core"):
        data = raw.get(tool)
        if not data:
            continue
        times = {name: {"median": median(samples), "samples": samples} for name, samples in data["seconds"].items()}
        cold = times.get("cold", {}).get("median")
        pages = data.get("html_files")
        result[tool] = {
            "seconds": times,
            "html_files": pages,
            "build_line": data.get("build_line"),
            "pages_per_second": pages / cold if pages and cold else None,
            "peak_rss_bytes": max(data["max_rss_kib"]) * 1024 if data["max_rss_kib"] else None,
            "peak_rss_bytes_by_measurement": {k: max(v) * 1024 for k, v in data["rss_by_measurement"].items() if v},
            "memory_samples_kib": data.get("rss_detail", []),
        }
        if tool == "ours":
            result[tool]["photos_encoded_per_run"] = data.get("photos_encoded", NO_GALLERIES)
            # from the build's own log: the time its search indexing took, and what a rebuild rendered
            result[tool]["search_seconds"] = {name: median(v) for name, v in data.get("search_seconds", {}).items()}
            result[tool]["pages_rendered"] = {name: median(v) for name, v in data.get("rendered", {}).items()}
    if "ours" in result and "core" in result:
        result["ratios_ours_over_core"] = {
            name: _ratio(result["ours"]["seconds"].get(name, {}).get("median"), result["core"]["seconds"][name]["median"])
            for name in ("cold", "warm", "edit")
        }
    return result


def _ratio(a, b):
    return a / b if a is not None and b else None


def _seconds(value):
    return f"{value:.2f}" if isinstance(value, (int, float)) else (value or "–")


def table(sizes: dict, galleries: bool) -> str:
    """A Markdown table: one row per measurement, one column per corpus size."""
    columns = sorted(sizes, key=int)
    header = ["measurement"] + [f"N={int(n):,}".replace(",", " ") for n in columns]
    rows = [["sources (Markdown files)"] + [str(sizes[n]["sources"]) for n in columns]]

    def value(n, tool, path, fmt=_seconds):
        data = sizes[n].get(tool)
        if data is None:
            return "not run"
        for part in path:
            data = data.get(part) if isinstance(data, dict) else None
        return fmt(data)

    for label, tool, name in TIME_ROWS:
        if name == "photo" and not galleries:
            rows.append([label] + [NO_GALLERIES for _ in columns])
            continue
        rows.append([label] + [value(n, tool, ("seconds", name, "median")) for n in columns])
    for name, label in (("cold", "cold build"), ("warm", "no change"), ("edit", "one release edited")):
        rows.append([f"ours: of which search indexing, {label} (s)"] + [value(n, "ours", ("search_seconds", name)) for n in columns])
    for name, label in (("warm", "no change"), ("edit", "one release edited")):
        rows.append(
            [f"ours: pages rendered, {label}"]
            + [value(n, "ours", ("pages_rendered", name), lambda v: f"{v:.0f}" if v is not None else "–") for n in columns]
        )
    for tool in ("ours", "core"):
        rows.append([f"{tool}: HTML pages written"] + [value(n, tool, ("html_files",), str) for n in columns])
        rows.append(
            [f"{tool}: pages per second (cold)"] + [value(n, tool, ("pages_per_second",), lambda v: f"{v:.0f}" if v else "–") for n in columns]
        )
        rows.append(
            [f"{tool}: peak memory (MiB)"]
            + [value(n, tool, ("peak_rss_bytes",), lambda v: f"{v / 2**20:.0f}" if v else "–") for n in columns]
        )
    rows.append(["ours: photos encoded per run"] + [value(n, "ours", ("photos_encoded_per_run",), str) for n in columns])
    for name, label in (("cold", "cold"), ("warm", "no change"), ("edit", "one edit")):
        rows.append(
            [f"ratio ours/core: {label}"]
            + [
                (lambda r: f"{r:.2f}×" if r is not None else "–")(sizes[n].get("ratios_ours_over_core", {}).get(name))
                for n in columns
            ]
        )
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |"]
    out.append("| " + " | ".join(("-" * w if i == 0 else "-" * (w - 1) + ":") for i, w in enumerate(widths)) + " |")
    for row in rows:
        out.append("| " + " | ".join((c.ljust(w) if i == 0 else c.rjust(w)) for i, (c, w) in enumerate(zip(row, widths))) + " |")
    return "\n".join(out)


def targets(sizes: dict) -> list[dict]:
    """The performance goals, each PASS, FAIL or SKIP (not measured in this run)."""
    checks = []

    def median_of(n, tool, name):
        try:
            return sizes[str(n)][tool]["seconds"][name]["median"]
        except (KeyError, TypeError):
            return None

    def add(goal, value, limit, unit, needs):
        if value is None:
            checks.append({"goal": goal, "status": "SKIP", "value": None, "limit": limit, "why": f"not measured ({needs})"})
        else:
            checks.append({"goal": goal, "status": "PASS" if value <= limit else "FAIL", "value": value, "limit": limit, "unit": unit})

    ours, core = median_of(1000, "ours", "cold"), median_of(1000, "core", "cold")
    add(
        "cold build, N=1000, all languages ≤ 1.0× core Pelican's one-pass build of the same sources",
        _ratio(ours, core), 1.0, "×", "needs N=1000 with core",
    )
    for n in sorted(sizes, key=int):
        cold = median_of(n, "ours", "cold")
        for name, label in (("warm", "rebuild with no change"), ("edit", "rebuild after editing one release")):
            add(f"{label}, N={n}, ≤ 0.10× our cold build", _ratio(median_of(n, "ours", name), cold), 0.10, "×", "")
    add(
        "cold build time at N=5000 ≤ 5.5× that at N=1000",
        _ratio(median_of(5000, "ours", "cold"), median_of(1000, "ours", "cold")), 5.5, "×", "needs N=1000 and N=5000",
    )
    peak = sizes.get("5000", {}).get("ours", {}).get("peak_rss_bytes")
    add("peak memory of the build at N=5000 ≤ 1 GB", peak / GB if peak else None, 1.0, "GB", "needs N=5000")
    return checks


def format_targets(checks: list[dict]) -> str:
    lines = []
    for check in checks:
        if check["status"] == "SKIP":
            lines.append(f"SKIP  {check['goal']}: {check['why']}")
        else:
            unit = check["unit"] if check["unit"] == "×" else f" {check['unit']}"
            lines.append(f"{check['status']}  {check['goal']}: {check['value']:.2f}{unit} (limit {check['limit']:.2f}{unit})")
    return "\n".join(lines)
