"""Our build under cProfile: where a cold and a warm build spend their time.

``python -m bench --profile`` writes the corpus (N=1000 by default), runs
``python -m cProfile -o <file> -m pelican ...`` once on an empty output and
cache (cold) and once more right after (warm), and summarises each profile:

* own time (``tottime``) added up by component: our plugins, our templates
  (Jinja compiles each template to Python code whose file name is the
  template's), Pelican, Jinja2/MarkupSafe, Markdown, Babel, the standard
  library, C built-ins (I/O, pickle, regular expressions...), imports;
* the top entries by cumulative time, leaving out the whole-program frames
  (``<module>``, ``run``... which take more than 90 % of the total) and the
  pass-through frames of the standard library and of other libraries (asyncio's
  event loop, blinker's signals), and the top entries by own time.

Jinja's compiled templates are generators: cProfile counts every resumption
as a call, so their call counts are far above the number of pages.  Work done
in other processes (the Pagefind indexer, photo workers) is not profiled: it
shows as the time the build spends waiting for them.

cProfile slows Python code down a good deal (often 1.5-2x), more for code
made of many small calls, so the shares are more telling than the seconds.
"""

from __future__ import annotations

import os
import pstats
import sys
import sysconfig
import time

from . import corpus as corpus_module
from . import runner

STDLIB = os.path.realpath(sysconfig.get_paths()["stdlib"])
COMPONENTS = [
    # the project's code may run from a snapshot (bench/runner.py): match on folder names
    ("our plugins", lambda f: "site-packages" not in f and f"{os.sep}plugins{os.sep}" in f),
    ("our templates (compiled Jinja)", lambda f: "site-packages" not in f and f"{os.sep}theme{os.sep}" in f),
    ("Pelican", lambda f: f"{os.sep}pelican{os.sep}" in f and "site-packages" in f),
    ("Jinja2 / MarkupSafe", lambda f: any(f"{os.sep}{p}{os.sep}" in f for p in ("jinja2", "markupsafe"))),
    ("Markdown", lambda f: f"{os.sep}markdown{os.sep}" in f and "site-packages" in f),
    ("Babel", lambda f: f"{os.sep}babel{os.sep}" in f and "site-packages" in f),
    ("other libraries", lambda f: "site-packages" in f),
    ("imports (importlib)", lambda f: f.startswith("<frozen")),
    ("C built-ins (I/O, pickle, re, ...)", lambda f: f == "~"),
    ("Python standard library", lambda f: os.path.realpath(f).startswith(STDLIB)),
]


def component(filename: str) -> str:
    for name, test in COMPONENTS:
        if test(filename):
            return name
    return "other"


def short(key) -> str:
    filename, line, function = key
    if filename == "~":
        return function
    if filename.startswith(STDLIB + os.sep):
        filename = os.path.relpath(filename, STDLIB)
    elif "site-packages" + os.sep in filename:
        filename = filename.split("site-packages" + os.sep, 1)[1]
    else:
        for folder in ("plugins", "theme"):
            marker = f"{os.sep}{folder}{os.sep}"
            if marker in filename:
                filename = folder + os.sep + filename.rsplit(marker, 1)[1]
                break
    return f"{filename}:{line}({function})"


def summarise(path: str, top: int = 10) -> dict:
    stats = pstats.Stats(path)
    total = stats.total_tt or 1e-9
    by_component: dict[str, float] = {}
    charged: dict[str, float] = {}  # C built-ins charged to the component that called them
    rows = []
    for key, (primitive, calls, own, cumulative, callers) in stats.stats.items():
        name = component(key[0])
        by_component[name] = by_component.get(name, 0.0) + own
        if name.startswith("C built-ins") and callers:
            spent = sum(timing[2] for timing in callers.values())
            for caller, timing in callers.items():
                share = own * timing[2] / spent if spent else own / len(callers)
                payer = component(caller[0])
                payer = "C built-ins called from C" if payer.startswith("C built-ins") else payer
                charged[payer] = charged.get(payer, 0.0) + share
        else:
            charged[name] = charged.get(name, 0.0) + own
        rows.append(
            {
                "function": short(key),
                "component": name,
                "calls": calls,
                "tottime": own,
                "cumtime": cumulative,
            }
        )
    # leave out whole-program frames and pass-through frames of the standard library
    # (runpy, asyncio's loop, blinker's signal dispatch): they repeat what they call
    passing = ("Python standard library", "imports (importlib)", "other libraries")
    cumulative = [r for r in rows if r["cumtime"] <= 0.9 * total and r["component"] not in passing]
    cumulative.sort(key=lambda r: r["cumtime"], reverse=True)
    own = sorted(rows, key=lambda r: r["tottime"], reverse=True)
    return {
        "total_seconds": total,
        "by_component": dict(sorted(by_component.items(), key=lambda kv: kv[1], reverse=True)),
        "by_component_builtins_charged_to_caller": dict(sorted(charged.items(), key=lambda kv: kv[1], reverse=True)),
        "top_cumulative": cumulative[:top],
        "top_tottime": own[:top],
    }


def format_summary(label: str, summary: dict) -> str:
    total = summary["total_seconds"]
    lines = [f"### {label}: {total:.2f} s profiled", "", "Own time by component:", ""]
    lines += ["| component | own time (s) | share |", "| --- | ---: | ---: |"]
    for name, seconds in summary["by_component"].items():
        if seconds < 0.005:
            continue
        lines.append(f"| {name} | {seconds:.2f} | {100 * seconds / total:.1f} % |")
    lines += ["", "The same, each C built-in's time charged to the component that called it:", ""]
    lines += ["| component | own time (s) | share |", "| --- | ---: | ---: |"]
    for name, seconds in summary["by_component_builtins_charged_to_caller"].items():
        if seconds < 0.005:
            continue
        lines.append(f"| {name} | {seconds:.2f} | {100 * seconds / total:.1f} % |")
    for title, key in (("cumulative", "top_cumulative"), ("own time", "top_tottime")):
        lines += ["", f"Top {len(summary[key])} by {title}:", ""]
        lines += ["| cumulative (s) | own (s) | calls | component | function |", "| ---: | ---: | ---: | --- | --- |"]
        for row in summary[key]:
            lines.append(
                f"| {row['cumtime']:.2f} | {row['tottime']:.2f} | {row['calls']} | {row['component']} | `{row['function']}` |"
            )
    return "\n".join(lines)


def profile(size: int, work: str, out_dir: str, *, seed: int, root: str = runner.ROOT, log=print) -> dict:
    content = os.path.join(work, "content")
    corpus = corpus_module.write(content, size, seed=seed)
    output, cache = os.path.join(work, "out"), os.path.join(work, "cache")
    os.makedirs(out_dir, exist_ok=True)
    results = {"size": size, "sources": corpus.sources}
    runner.empty(output, cache)
    for phase in ("cold", "warm"):
        prof = os.path.join(out_dir, f"n{size}-{phase}.prof")
        prefix = [sys.executable, "-m", "cProfile", "-o", prof, "-m", "pelican"]
        command = runner.ours_command(content, output, cache, root=root, prefix=prefix)
        log(f"profiling N={size} {phase}: {' '.join(command)}")
        started = time.perf_counter()
        run = runner.checked(runner.run(command, os.path.join(out_dir, f"n{size}-{phase}.log"), cwd=root), f"profiled {phase} build")
        results[phase] = {
            "profile": prof,
            "wall_seconds_under_profiler": time.perf_counter() - started,
            "summary": summarise(prof),
        }
        log(f"  {run.seconds:.2f} s under cProfile")
    return results


def report(results: dict) -> str:
    parts = [f"## Profile of our build, N={results['size']} ({results['sources']} sources)"]
    for phase in ("cold", "warm"):
        parts.append(format_summary(f"{phase} build", results[phase]["summary"]))
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":  # python -m bench.profiling FILE.prof...: summarise saved profiles
    for path in sys.argv[1:]:
        print(format_summary(os.path.basename(path), summarise(path)))
        print()
