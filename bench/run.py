#!/usr/bin/env python3
"""Benchmark iasmn against the reference validators on synthetic records repositories.

Usage:  python3 bench/run.py [--sizes 1000,10000,100000] [--runs 5] [--invalid 0.001]
                             [--reference-runs R] [--large-reference-runs R100k]

From a clean checkout it builds iasmn and the generator (release), installs the reference
validators (check-jsonschema from PyPI, ajv-cli + ajv-formats from npm, into bench/.tools),
generates one repository per size with planted errors, then times, on the same files:
  - iasmn check                     (every record kind, schema + cross-record checks)
  - iasmn recs status:open wg:...   (a listing query)
  - iasmn search <word>
  - check-jsonschema, ajv-cli        (the recommendation files against the same schema)
each iasmn command cold (its cache deleted before every run) and warm (nothing changed since
the previous run). It prints and writes docs/BENCHMARKS.md: median wall time of N runs, peak
RSS, each reference's ratio to `iasmn check`, and the verdict against issue 6's budget; and it
asserts that every tool flags exactly the planted invalid files (the references: the
schema-invalid ones; iasmn: all of them, cold and warm).
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "bench" / ".tools"
DATA = ROOT / "bench" / ".data"
IASMN = ROOT / "target" / "release" / "iasmn"
SYNTH = ROOT / "target" / "release" / "examples" / "synth"
CHECK_JSONSCHEMA_VERSION = "0.39.0"


def sh(args, **kwargs):
    print("+", " ".join(str(a) for a in args), file=sys.stderr)
    return subprocess.run(args, check=True, **kwargs)


def setup():
    sh(["cargo", "build", "--release", "--locked", "--bin", "iasmn", "--example", "synth"], cwd=ROOT)
    if shutil.which("check-jsonschema") is None:
        sh([sys.executable, "-m", "pip", "install", "--quiet", f"check-jsonschema=={CHECK_JSONSCHEMA_VERSION}"])
    ajv = TOOLS / "node_modules" / ".bin" / "ajv"
    if not ajv.exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        sh(["npm", "install", "--silent", "--prefix", str(TOOLS), "ajv-cli@5", "ajv-formats@3"])
    return ajv


def ajv_schemas(repo):
    """Copies of the schemas with an `$id` each: ajv resolves `$ref`s by id only. Nothing else
    changes (check-jsonschema and iasmn resolve the same refs by file path)."""
    out = repo / "ajv-schemas"
    out.mkdir(exist_ok=True)
    for schema in (repo / "schemas").glob("*.schema.json"):
        doc = json.loads(schema.read_text())
        doc["$id"] = schema.name
        (out / schema.name).write_text(json.dumps(doc))
    return out


def timed(args, cwd=None):
    """(seconds, peak RSS in KB, completed process) of one run, via GNU time."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + [str(a) for a in args], cwd=cwd,
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    rss = int(proc.stderr.strip().splitlines()[-1]) if proc.stderr.strip() else 0
    return elapsed, rss, proc


def measure(args, runs, cwd=None):
    times, rss, last = [], [], None
    for _ in range(runs):
        t, r, last = timed(args, cwd)
        times.append(t)
        rss.append(r)
    return statistics.median(times), max(rss), last


def measure_iasmn(args, runs, cache):
    """(cold, warm) measurements of an iasmn command: cold runs start with the cache folder
    deleted; warm runs follow an untimed run, with nothing changed in between."""
    def one(clear):
        if clear and cache.exists():
            shutil.rmtree(cache)
        return timed(args)
    cold = [one(True) for _ in range(runs)]
    one(False)
    warm = [one(False) for _ in range(runs)]
    summary = lambda rs: (statistics.median(r[0] for r in rs), max(r[1] for r in rs), rs[-1][2])
    return summary(cold), summary(warm)


def measure_batches(prefix, files, runs, cwd, batch=10000):
    """Like measure(), for a command whose file list must be split to fit the OS's argument
    limit: one run is all batches in a row; the procs of the last run are returned."""
    times, rss, procs = [], [], []
    for _ in range(runs):
        total, peak, procs = 0.0, 0, []
        for i in range(0, len(files), batch):
            t, r, proc = timed(prefix + files[i:i + batch], cwd)
            total, peak = total + t, max(peak, r)
            procs.append(proc)
        times.append(total)
        rss.append(peak)
    return statistics.median(times), max(rss), procs


def planted(repo):
    rows = [line.split("\t") for line in (repo / "planted.tsv").read_text().splitlines() if line]
    return {r[0] for r in rows}, {r[0] for r in rows if r[1] == "schema"}


def flagged_by_iasmn(proc):
    doc = json.loads(proc.stdout)
    return {d["file"] for d in doc["diagnostics"] if d["severity"] == "error"}


def flagged_by_check_jsonschema(proc, repo):
    doc = json.loads(proc.stdout)
    files = {e["filename"] for e in doc.get("errors", []) + doc.get("parse_errors", [])}
    return {str((repo / f).resolve().relative_to(repo)) for f in files}


def flagged_by_ajv(proc, repo):
    flagged = set()
    for line in proc.stderr.splitlines():
        if line.endswith(" invalid"):
            flagged.add(str((repo / line[: -len(" invalid")]).resolve().relative_to(repo)))
    return flagged


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--invalid", type=float, default=0.001)
    parser.add_argument("--reference-runs", type=int, default=None,
                        help="runs of the reference validators (default: --runs)")
    parser.add_argument("--large-reference-runs", type=int, default=None,
                        help="runs of the reference validators at N >= 100000 (check-jsonschema "
                             "needs about 18 minutes per run there)")
    parser.add_argument("--references-from", default=None,
                        help="take the reference validators' rows from this file (written by an "
                             "earlier run as bench/.data/rows.jsonl) instead of running them again: "
                             "for re-measuring iasmn alone; the report says so")
    parser.add_argument("--check-jsonschema-up-to", type=int, default=None,
                        help="skip check-jsonschema above this N (it needs about 17 ms per file)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "BENCHMARKS.md"))
    args = parser.parse_args()
    ajv = setup()
    sizes = [int(s) for s in args.sizes.split(",")]
    reused = {}
    if args.references_from:
        for line in Path(args.references_from).read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                reused[row["n"]] = row
    results = []
    for n in sizes:
        repo = DATA / f"n{n}"
        if repo.exists():
            shutil.rmtree(repo)
        DATA.mkdir(parents=True, exist_ok=True)
        sh([SYNTH, repo, str(n), "--invalid", str(args.invalid)])
        repo = repo.resolve()
        all_planted, schema_planted = planted(repo)
        recs = sorted(str(p.relative_to(repo)) for p in (repo / "records" / "recommendations").glob("*/*.yaml"))
        files = sum(1 for _ in (repo / "records").rglob("*.yaml"))
        row = {"n": n, "files": files}

        cache = DATA / f"cache-n{n}"
        os.environ["IASMN_CACHE_DIR"] = str(cache)
        commands = {
            "check": [IASMN, "--repo", repo, "check", "--format", "json"],
            "query": [IASMN, "--repo", repo, "recs", "status:open", "wg:wg-1", "--count"],
            "search": [IASMN, "--repo", repo, "search", "security", "--limit", "10", "--format", "ids"],
        }
        for name, command in commands.items():
            cold, warm = measure_iasmn(command, args.runs, cache)
            if name == "check":
                for label, (_, _, proc) in (("cold", cold), ("warm", warm)):
                    flagged = flagged_by_iasmn(proc)
                    assert flagged == all_planted, f"iasmn check ({label}) flags {len(flagged)} files, planted {len(all_planted)}"
            row[name] = cold[:2]
            row[name + " warm"] = warm[:2]

        # References: the recommendation files against the same schema.
        if args.references_from:
            earlier = reused[n]
            assert earlier["files"] == files, f"{args.references_from} was measured on other data"
            for key in ("reference runs", "check-jsonschema", "ajv-cli"):
                if key in earlier:
                    row[key] = earlier[key]
            results.append(row)
            print(json.dumps(row), file=sys.stderr)
            continue
        reference_runs = args.reference_runs or args.runs
        if n >= 100000 and args.large_reference_runs:
            reference_runs = args.large_reference_runs
        row["reference runs"] = reference_runs
        if args.check_jsonschema_up_to is None or n <= args.check_jsonschema_up_to:
            t, rss, procs = measure_batches(["check-jsonschema", "-o", "json", "--schemafile",
                                             repo / "schemas" / "recommendation.schema.json"], recs, reference_runs, cwd=repo)
            flagged = set().union(*(flagged_by_check_jsonschema(p, repo) for p in procs))
            assert flagged == schema_planted, "check-jsonschema flags other files than planted"
            row["check-jsonschema"] = (t, rss)
        schemas = ajv_schemas(repo)
        t, rss, proc = measure([ajv, "validate", "--spec=draft2020", "--strict=false", "-c", "ajv-formats",
                                "-s", schemas / "recommendation.schema.json", "-r", schemas / "defs.schema.json",
                                "-d", "records/recommendations/*/*.yaml"], reference_runs, cwd=repo)
        assert flagged_by_ajv(proc, repo) == schema_planted, "ajv-cli flags other files than planted"
        row["ajv-cli"] = (t, rss)
        results.append(row)
        print(json.dumps(row), file=sys.stderr)

    lines = [
        "# Benchmarks",
        "",
        f"Generated by `python3 {' '.join(sys.argv)}` "
        f"on {time.strftime('%Y-%m-%d')}.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"{subprocess.run(['rustc', '--version'], capture_output=True, text=True).stdout.strip()}; "
        f"check-jsonschema {CHECK_JSONSCHEMA_VERSION}; ajv-cli 5 + ajv-formats 3 (Node "
        f"{subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}).",
        "",
        "Data: `cargo run --release --example synth -- DIR N --invalid RATE` (N outcomes, about 50 per session, "
        "15 CRPs per session, 60 working groups, 150 organizations; planted schema and consistency errors).",
        *([f"References (check-jsonschema, ajv-cli) taken from an earlier run of this script on this "
           f"machine and the same generated data: `{args.references_from}`.", ""]
          if args.references_from else []),
        f"Runs per measurement: iasmn {args.runs} cold and {args.runs} warm; references: "
        + ", ".join(f"{r['reference runs']} at {r['n']:,}" for r in results) + ". "
        "Times are the median wall time of the runs, memory the peak RSS over them (GNU time). "
        "Cold: iasmn's cache deleted before each run (the OS page cache stays warm, for every tool); "
        "warm: nothing changed since the previous run. `iasmn check` checks every record of every "
        "kind, schemas and cross-references; the references validate only the recommendation files "
        "against the same schema. Every tool flagged exactly the planted invalid files (the "
        "references: the schema-invalid ones).",
        "",
        "| N | files | check cold | check warm | query cold | query warm | search cold | search warm | check-jsonschema | ajv-cli | check-jsonschema / check cold | ajv-cli / check cold | ajv-cli / check warm |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    fmt = lambda pair: f"{pair[0]:.3f} s, {pair[1] / 1024:.0f} MB" if pair else "not run"
    ratio = lambda r, tool, base: f"{r[tool][0] / r[base][0]:.1f}x" if r.get(tool) else "-"
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['files']:,} | {fmt(r['check'])} | {fmt(r['check warm'])} | "
            f"{fmt(r['query'])} | {fmt(r['query warm'])} | {fmt(r['search'])} | {fmt(r['search warm'])} | "
            f"{fmt(r.get('check-jsonschema'))} | {fmt(r['ajv-cli'])} | "
            f"{ratio(r, 'check-jsonschema', 'check')} | {ratio(r, 'ajv-cli', 'check')} | "
            f"{ratio(r, 'ajv-cli', 'check warm')} |"
        )
    lines += ["", *budget(results), ""]
    (DATA / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in results))
    Path(args.output).write_text("\n".join(lines))
    print("\n".join(lines))


def budget(results):
    """Issue 6's budget at N = 100,000, item by item, from the measurements."""
    by_n = {r["n"]: r for r in results}
    big = by_n.get(100000)
    if big is None:
        return ["(The budget of issue 6 is set at N = 100,000, which this run did not measure.)"]
    rows = []
    def item(what, measured, limit, ok):
        rows.append(f"| {what} | {measured} | {limit} | {'met' if ok else 'NOT met'} |")
    for key, label, limit in (("check", "`iasmn check` cold", 2.0), ("check warm", "`iasmn check` warm", 0.3),
                              ("query", "listing query cold", 1.0), ("query warm", "listing query warm", 0.25)):
        item(label, f"{big[key][0]:.2f} s", f"≤ {limit} s", big[key][0] <= limit)
    peak = max(big[k][1] for k in ("check", "check warm", "query", "query warm", "search", "search warm"))
    item("peak RSS (any iasmn command)", f"{peak / 1024:.0f} MB", "≤ 1024 MB", peak <= 1024 * 1024)
    small = by_n.get(10000)
    if small:
        growth = big["check"][0] / small["check"][0]
        item("cost linear in N (cold check, 10k → 100k)", f"× {growth:.1f} for × 10 records", "≈ × 10", growth <= 11.5)
    if big.get("check-jsonschema"):
        r = big["check-jsonschema"][0] / big["check"][0]
        item("check-jsonschema / check cold", f"{r:.0f}x", "≥ 100x", r >= 100)
    r = big["ajv-cli"][0] / big["check"][0]
    item("ajv-cli / check cold", f"{r:.1f}x", "≥ 2x", r >= 2)
    r = big["ajv-cli"][0] / big["check warm"][0]
    item("ajv-cli / check warm", f"{r:.1f}x", "≥ 10x", r >= 10)
    return ["## Against the budget of issue 6 (N = 100,000)", "",
            "| item | measured | budget | |", "| --- | --- | --- | --- |", *rows]


if __name__ == "__main__":
    main()
