"""``python -m bench``: time the site's build on synthetic corpora and compare it with core Pelican.

For each corpus size N (N bilingual releases, 2N sources plus 10 standing
pages) and each of ``--repeat`` rounds, in this order:

1. ours, cold: output and cache folders removed, then one build;
2. ours, no change: the same build again;
3. ours, one release edited: one English release's first paragraph changed;
4. ours, one photo added (unless ``--no-galleries``);
5. core Pelican (no plugins, default theme, one language pass): cold, no
   change, the same file edited.

The edited file is restored after each round, so every round starts from the
same sources.  Each figure is the median of the rounds; each time is the wall
time of the whole ``pelican`` process.  Our build runs from a copy of
plugins/, theme/ and pelicanconf.py taken at the start (``--live`` to use the
working tree), so that edits others make meanwhile cannot mix two versions of
the code into one run.  See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from importlib import metadata

from . import core, corpus as corpus_module, devserver, profiling, report, runner

DEFAULT_SIZES = "100,1000,5000"
DEVSERVER_SIZES = "100,1000"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Time the site's build (cold, no change, one edit) on synthetic bilingual corpora, "
        "against core Pelican on the same sources.",
    )
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help=f"comma-separated numbers of releases (default {DEFAULT_SIZES})")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per size; medians are reported (default 3)")
    parser.add_argument("--quick", action="store_true", help="smoke test: N=100, one round")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE")
    parser.add_argument("--markdown", metavar="FILE", help="also write the table and the goals as Markdown to FILE")
    parser.add_argument(
        "--no-galleries",
        dest="with_galleries",
        action="store_false",
        help="leave out the galleries: by default one release in ten has a 'Gallery:' header and a gallery of 10 "
        "photos of 4000x3000 (made with Pillow), and the photo-added rebuild is measured",
    )
    parser.add_argument(
        "--distinct-photos",
        action="store_true",
        help="give every gallery its own byte-distinct copies of the photos (about 25 MB "
        "of disk per gallery) instead of hard links to one set, so no photo is shared through a content-keyed cache",
    )
    parser.add_argument("--no-core", action="store_true", help="skip the core Pelican baseline")
    parser.add_argument(
        "--devserver-sizes",
        default=DEVSERVER_SIZES,
        help=f"numbers of releases at which the dev server's edit→served latency is measured "
        f"(default {DEVSERVER_SIZES}; 5000 takes long on 2 cores; empty: not measured)",
    )
    parser.add_argument("--devserver-rounds", type=int, default=5, help="edits per language and size (default 5)")
    parser.add_argument("--devserver-only", action="store_true", help="measure only the dev server's edit→served latency")
    parser.add_argument(
        "--live",
        action="store_true",
        help="build with the working tree's plugins/, theme/ and pelicanconf.py as they are at each build, "
        "instead of a copy taken when the benchmark starts",
    )
    parser.add_argument("--seed", type=int, default=2025, help="seed of the synthetic text (default 2025)")
    parser.add_argument("--workdir", help="where to write corpora and outputs (default: a temporary folder, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of timing, run our build once under cProfile, cold then warm, and summarise",
    )
    parser.add_argument("--profile-size", type=int, default=1000, help="N for --profile (default 1000)")
    parser.add_argument("--profile-dir", help="keep the .prof files, logs and summary here (default: discarded)")
    args = parser.parse_args(argv)
    if args.distinct_photos and not args.with_galleries:
        parser.error("--distinct-photos and --no-galleries contradict each other")
    if args.quick:
        args.sizes, args.repeat, args.devserver_sizes, args.devserver_rounds = "100", 1, "100", 1
    try:
        args.devserver_list = sorted({int(s) for s in args.devserver_sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--devserver-sizes: expected numbers separated by commas, got {args.devserver_sizes!r}")
    if args.devserver_rounds < 1:
        parser.error("--devserver-rounds: at least 1")
    try:
        args.size_list = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes: expected numbers separated by commas, got {args.sizes!r}")
    if not args.size_list or min(args.size_list) < 1:
        parser.error("--sizes: give at least one positive number")
    if args.repeat < 1:
        parser.error("--repeat: at least 1")
    return args


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def machine() -> dict:
    memory = None
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "nproc": usable,
        "memory_bytes": memory,
        "python": platform.python_version(),
        "pelican": metadata.version("pelican"),
        "markdown": metadata.version("markdown"),
        "jinja2": metadata.version("jinja2"),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


BUILT_RE = re.compile(r"^Built \d+ pages from \d+ sources.*$", re.MULTILINE)
COUNTS_RE = re.compile(r"Built \d+ pages from \d+ sources in \d+ languages")
DONE_RE = re.compile(r"Done: Processed .*?seconds\.", re.DOTALL)
SEARCH_RE = re.compile(r"^search: .* in ([\d.]+) s$", re.MULTILINE)  # the search plugin's summary line
RENDERED_RE = re.compile(r"; (\d+) rendered, the others unchanged")  # a rebuild's count of pages rendered


def _line(log: str, pattern) -> str | None:
    with open(log, encoding="utf-8", errors="replace") as handle:
        match = pattern.search(handle.read())
    return " ".join(match.group(0).split()) if match else None


def edit(path: str, original: bytes, tag: str) -> None:
    """Change the first paragraph of a release (the header stays valid)."""
    head, sep, body = original.partition(b"\n\n")
    sentence = f"This paragraph was revised for the benchmark ({tag}). ".encode()
    with open(path, "wb") as handle:
        handle.write(head + sep + sentence + body)


def measure(n: int, args, work: str, photo_set) -> dict:
    folder = os.path.join(work, f"n{n}")
    shutil.rmtree(folder, ignore_errors=True)
    content = os.path.join(folder, "content")
    say(f"N={n}: writing the corpus in {content}")
    corpus = corpus_module.write(
        content,
        n,
        seed=args.seed,
        galleries=args.with_galleries,
        photo_set=photo_set and photo_set[:-1],
        distinct_photos=args.distinct_photos,
    )
    raw = {"sources": corpus.sources, "releases": n, "text": corpus_module.text_size(corpus), "warnings": []}
    fingerprint = runner.code_fingerprint(args.code_root)
    logs = os.path.join(folder, "logs")
    os.makedirs(logs)
    target = corpus.release_to_edit()
    target_path = os.path.join(content, target.paths["en"])
    with open(target_path, "rb") as handle:
        original = handle.read()

    ours_out, ours_cache = os.path.join(folder, "ours", "output"), os.path.join(folder, "ours", "cache")
    ours_cmd = runner.ours_command(content, ours_out, ours_cache, root=args.code_root)
    core_dir = os.path.join(folder, "core")
    os.makedirs(core_dir)
    core_out, core_cache = os.path.join(core_dir, "output"), os.path.join(core_dir, "cache")
    settings = core.write_settings(
        os.path.join(core_dir, "settings.py"), content=content, output=core_out, cache=core_cache, version=metadata.version("pelican")
    )
    core_cmd = runner.core_command(settings)
    raw["commands"] = {"ours": ours_cmd, "core": core_cmd}
    raw["edited_file"] = target.paths["en"]

    tools = {"ours": {"seconds": {}, "max_rss_kib": [], "rss_by_measurement": {}}}
    if not args.no_core:
        tools["core"] = {"seconds": {}, "max_rss_kib": [], "rss_by_measurement": {}}

    def timed(tool, name, command, round_number):
        data = tools[tool]
        log = os.path.join(logs, f"{tool}-{name}-{round_number}.log")
        started = time.time()
        result = runner.checked(runner.run(command, log, cwd=args.code_root), f"{tool} {name} build (N={n}, round {round_number})")
        data["seconds"].setdefault(name, []).append(result.seconds)
        data["max_rss_kib"].append(result.peak_kib)
        data["rss_by_measurement"].setdefault(name, []).append(result.peak_kib)
        data.setdefault("rss_detail", []).append({"measurement": name, "process_kib": result.max_rss_kib, "tree_kib": result.tree_rss_kib})
        note = ""
        if tool == "ours":
            with open(log, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            search = SEARCH_RE.search(text)
            rendered = RENDERED_RE.search(text)
            if search:
                data.setdefault("search_seconds", {}).setdefault(name, []).append(float(search.group(1)))
            if rendered:
                data.setdefault("rendered", {}).setdefault(name, []).append(int(rendered.group(1)))
        if args.with_galleries and tool == "ours":
            encoded = runner.photos_encoded(ours_cache, ours_out, started)
            data.setdefault("encoded", {}).setdefault(name, []).append(encoded)
            note = f"  {encoded} photo(s) encoded"
        say(f"  round {round_number}: {tool:4} {name:5} {result.seconds:7.2f} s  {result.peak_kib / 1024:6.0f} MiB{note}")
        return result, started, log

    first_counts = None
    for round_number in range(1, args.repeat + 1):
        # -- ours
        runner.empty(ours_out, ours_cache)
        _, started, log = timed("ours", "cold", ours_cmd, round_number)
        built = _line(log, BUILT_RE)
        counts = COUNTS_RE.match(built or "")
        counts = counts.group(0) if counts else built
        if round_number == 1:
            tools["ours"]["html_files"] = runner.count_files(ours_out)
            tools["ours"]["build_line"] = built
            first_counts = counts
        elif counts != first_counts:
            say(f"  warning: round {round_number} built something else ({counts!r}, round 1: {first_counts!r})")
            raw["warnings"].append(f"round {round_number}: {counts} (round 1: {first_counts})")
        timed("ours", "warm", ours_cmd, round_number)
        edit(target_path, original, f"ours, round {round_number}")
        timed("ours", "edit", ours_cmd, round_number)
        if args.with_galleries:
            # an editor adds a photo to a gallery and lists it in both index files
            gallery = os.path.join(content, "galleries", corpus.galleries[0])
            indexes = {code: os.path.join(gallery, f"index.{code}.md") for code in ("en", "tc")}
            kept = {}
            for lang, (code, path) in enumerate(indexes.items()):
                with open(path, "rb") as handle:
                    kept[path] = handle.read()
                with open(path, "ab") as handle:
                    handle.write(("\n" + corpus_module.photo_line("photo-added.jpg", 10, lang) + "\n").encode("utf-8"))
            added = os.path.join(gallery, "photo-added.jpg")
            corpus_module.link_or_copy(photo_set[-1], added)
            timed("ours", "photo", ours_cmd, round_number)
            os.remove(added)
            for path, data in kept.items():
                with open(path, "wb") as handle:
                    handle.write(data)
        with open(target_path, "wb") as handle:
            handle.write(original)
        # -- core Pelican
        if args.no_core:
            continue
        runner.empty(core_out, core_cache)
        _, _, log = timed("core", "cold", core_cmd, round_number)
        if round_number == 1:
            tools["core"]["html_files"] = runner.count_files(core_out)
            tools["core"]["build_line"] = _line(log, DONE_RE)
        timed("core", "warm", core_cmd, round_number)
        edit(target_path, original, f"core, round {round_number}")
        timed("core", "edit", core_cmd, round_number)
        with open(target_path, "wb") as handle:
            handle.write(original)

    raw["code_fingerprint"] = fingerprint
    if runner.code_fingerprint(args.code_root) != fingerprint:
        say(f"  warning: plugins/, theme/ or the settings changed while N={n} was measured; its figures mix two versions")
        raw["warnings"].append("the code changed during this size's measurements (use the default snapshot)")
    if args.with_galleries:
        encoded = tools["ours"]["encoded"]
        labels = {"cold": "cold", "warm": "no change", "edit": "edit", "photo": "+1 photo"}
        tools["ours"]["photos_encoded"] = ", ".join(f"{labels[k]} {max(v)}" for k, v in encoded.items())
    raw.update(tools)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return raw


def main(argv=None) -> int:
    args = parse_args(argv)
    info = machine()
    own_work = args.workdir is None
    work = args.workdir or tempfile.mkdtemp(prefix="smartlab-bench-")
    os.makedirs(work, exist_ok=True)
    say(f"work folder: {work}; Python {info['python']}, Pelican {info['pelican']}, {info['nproc']} CPU(s), "
        f"load average {', '.join(f'{x:.2f}' for x in info['load_average_at_start'])}")
    try:
        tree_fingerprint = runner.code_fingerprint()
        if args.live:
            args.code_root = runner.ROOT
        else:
            args.code_root = runner.snapshot(os.path.join(work, "code"))
        info["code"] = {
            "root": args.code_root,
            "snapshot": not args.live,
            "fingerprint": runner.code_fingerprint(args.code_root),
            "taken": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        say(f"building with {'the working tree' if args.live else 'a copy of plugins/, theme/ and pelicanconf.py'} "
            f"(code {info['code']['fingerprint']})")
        if args.profile:
            out_dir = args.profile_dir or os.path.join(work, "profile")
            results = profiling.profile(
                args.profile_size, os.path.join(work, "profile-run"), out_dir, seed=args.seed, root=args.code_root, log=say
            )
            text = profiling.report(results)
            print(text)
            if args.profile_dir:
                with open(os.path.join(out_dir, "summary.md"), "w", encoding="utf-8") as handle:
                    handle.write(text)
            if args.json:
                _write_json(args.json, {"machine": info, "profile": results})
            return 0

        if args.devserver_only:
            return _devserver(args, info, work, time.perf_counter())
        photo_set = None
        if args.with_galleries:
            from . import photos

            say("making the gallery photos (once)")
            photo_set = photos.make_set_apart(os.path.join(work, "photos"))
        started = time.perf_counter()
        sizes = {}
        for n in args.size_list:
            sizes[str(n)] = report.summarise_size(measure(n, args, work, photo_set))
        info["load_average_at_end"] = os.getloadavg()
        checks = report.targets(sizes)
        table = report.table(sizes, args.with_galleries)
        goals = report.format_targets(checks)
        print(table)
        print()
        print(goals)
        warnings = [f"N={n}: {w}" for n, data in sizes.items() for w in data.get("warnings", [])]
        if len({data["code_fingerprint"] for data in sizes.values()}) > 1:
            warnings.append("the sizes were measured on different versions of the project's code")
        if not args.live and runner.code_fingerprint() != tree_fingerprint:
            warnings.append("the working tree changed during the run; every build used the copy taken at the start")
        for warning in warnings:
            print(f"WARNING  {warning}")
        editor = None
        if args.devserver_list:
            editor = devserver.run_all(args.devserver_list, work, args.code_root, seed=args.seed, rounds=args.devserver_rounds, say=say, keep=args.keep)
            print()
            print(devserver.table(editor))
        say(f"benchmark took {time.perf_counter() - started:.0f} s of wall time")
        results = {
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "machine": info,
            "options": {
                "sizes": args.size_list,
                "repeat": args.repeat,
                "with_galleries": args.with_galleries,
                "core": not args.no_core,
                "seed": args.seed,
            },
            "sizes": sizes,
            "targets": checks,
            "devserver": editor,
        }
        if args.json:
            _write_json(args.json, results)
        if args.markdown:
            with open(args.markdown, "w", encoding="utf-8") as handle:
                handle.write(table + "\n\n```\n" + goals + "\n```\n" + (f"\n{devserver.table(editor)}\n" if editor else ""))
        return 0
    except devserver.Stuck as err:
        say(f"benchmark stopped: {err}")
        return 1
    except runner.BuildFailed as err:
        say(f"benchmark stopped: {err}")
        if args.with_galleries:
            say("(galleries need Pillow and the site's galleries plugin; --no-galleries leaves them out)")
        return 1
    finally:
        if own_work and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep or not own_work:
            say(f"kept {work}")


def _devserver(args, info: dict, work: str, started: float) -> int:
    """``--devserver-only``: the dev server's edit→served latency, and nothing else."""
    editor = devserver.run_all(args.devserver_list or [100], work, args.code_root, seed=args.seed, rounds=args.devserver_rounds, say=say, keep=args.keep)
    print(devserver.table(editor))
    say(f"benchmark took {time.perf_counter() - started:.0f} s of wall time")
    if args.json:
        _write_json(args.json, {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "machine": info, "devserver": editor})
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as handle:
            handle.write(devserver.table(editor) + "\n")
    return 0


def _write_json(path: str, data) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False, default=str)
        handle.write("\n")


if __name__ == "__main__":
    sys.exit(main())
