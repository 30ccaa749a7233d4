"""The growth curve: the same measures at every scale measured, as a table and a plot.

    python bench/growth.py [--results DIR] [--plot PATH] [--markdown]

Reads ``bench/results-<scale>.json`` for each scale run so far (``bench/run.py`` writes one per run; each holds the
last run at its scale), prints the 95th percentile of every search kind, the portal page, both views of the
provision log and the dashboard, and the purge's rows per second, with the peer and the floor beside each figure
where the benchmark has one, and the ratio of ``large`` to ``default`` against issue 20's targets (a page within
1.5× of its p95 at default, the purge at least 0.8× its rate there). With two or more of small, default and large
it writes the curve to ``docs/growth.png`` and its figures to ``docs/growth.json``; with fewer (CI runs tiny alone)
to ``bench/growth.png`` and ``bench/growth.json``, which git ignores. Figures only: nothing asserts on time.
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCALES = ("tiny", "small", "default", "large")
CURVE = ("small", "default", "large")  # the scales of the documented curve
PAGE_TARGET = 1.5  # a page's p95 at large over its p95 at default, at most
PURGE_TARGET = 0.8  # the purge's rows/s at large over its rate at default, at least
PAGES = (
    "portal subscriber page (with its Provision write)",
    "provision log: by subscriber",
    "provision log: contractor + month",
    "dashboard",
)


def load(directory: Path) -> dict[str, dict]:
    found = {}
    for scale in SCALES:
        path = directory / f"results-{scale}.json"
        if path.is_file():
            found[scale] = json.loads(path.read_text())
    return found


def rows_of(results: dict[str, dict]) -> list[dict[str, Any]]:
    """One row per measure: at each scale its figure, and the peer and floor where the benchmark has them."""
    names: list[str] = []
    for run in results.values():
        for name in run.get("pages", {}):
            if name.startswith("search: ") and name not in names:
                names.append(name)
    names += [name for name in PAGES if any(name in run.get("pages", {}) for run in results.values())]
    rows: list[dict[str, Any]] = []
    for name in names:
        row: dict[str, Any] = {"measure": name, "unit": "p95 ms", "target": PAGE_TARGET, "at": {}}
        for scale, run in results.items():
            page = run.get("pages", {}).get(name)
            if page:
                row["at"][scale] = {
                    "value": page["p95_ms"],
                    "median": page["median_ms"],
                    "peer": page.get("admin_changelist_p95_ms"),
                    "floor": page.get("sql_floor_p95_ms"),
                }
        rows.append(row)
    if any("purge" in run for run in results.values()):
        row = {"measure": "retention purge", "unit": "rows/s", "target": PURGE_TARGET, "at": {}}
        for scale, run in results.items():
            if "purge" in run:
                purge = run["purge"]
                row["at"][scale] = {
                    "value": purge["purge_rows_per_s"],
                    "peer": None,
                    "floor": purge["raw_delete_rows_per_s"],
                    "rows": purge["purge_rows"],
                }
        rows.append(row)
    for row in rows:
        default, large = row["at"].get("default"), row["at"].get("large")
        if default and large and default["value"]:
            ratio = large["value"] / default["value"]
            row["large_over_default"] = round(ratio, 2)
            if default.get("median"):
                row["median_large_over_default"] = round(large["median"] / default["median"], 2)
            row["met"] = ratio >= row["target"] if row["unit"] == "rows/s" else ratio <= row["target"]
    return rows


def subscribers_at(results: dict[str, dict]) -> dict[str, int]:
    return {scale: run["generation"]["rows"]["subscribers"] for scale, run in results.items()}


def table(results: dict[str, dict], rows: list[dict[str, Any]]) -> str:
    scales = list(results)
    sizes = subscribers_at(results)
    header = f"{'measure':<52}" + "".join(f"{f'{s} ({sizes[s]:,})':>44}" for s in scales) + "  large/default"
    lines = ["growth curve: p95 ms [median] (peer / floor: p95), purge rows/s (floor)", header]
    for row in rows:
        cells = []
        for scale in scales:
            at = row["at"].get(scale)
            if not at:
                cells.append(f"{'–':>44}")
                continue
            extra = " / ".join(f"{at[k]:,}" if at[k] is not None else "–" for k in ("peer", "floor"))
            shown = f"{at['value']:,}" + (f" [{at['median']:,}]" if at.get("median") is not None else "")
            shown += f" ({extra})" if at["peer"] is not None or at["floor"] is not None else ""
            cells.append(f"{shown:>44}")
        verdict = ""
        if "large_over_default" in row:
            bound = "≥" if row["unit"] == "rows/s" else "≤"
            met = "met" if row["met"] else "NOT MET"
            verdict = f"  {row['large_over_default']}× (target {bound} {row['target']}×: {met})"
            if "median_large_over_default" in row:
                verdict += f", median {row['median_large_over_default']}×"
        lines.append(f"{row['measure'][:52]:<52}" + "".join(cells) + verdict)
    return "\n".join(lines)


def markdown(results: dict[str, dict], rows: list[dict[str, Any]]) -> str:
    """The same table in Markdown, as docs/performance.md shows it."""
    sizes = subscribers_at(results)
    lines = [
        "| measure | " + " | ".join(f"{s} ({sizes[s]:,})" for s in results) + " | large / default | target |",
        "|---|" + "---|" * len(results) + "---|---|",
    ]
    for row in rows:
        cells = []
        for scale in results:
            at = row["at"].get(scale)
            if not at:
                cells.append("–")
                continue
            cell = f"{at['value']:,}" + (f" [{at['median']:,}]" if at.get("median") is not None else "")
            if at["peer"] is not None:
                cell += f"<br>admin {at['peer']:,}"
            if at["floor"] is not None:
                cell += f"<br>floor {at['floor']:,}"
            cells.append(cell)
        ratio = ""
        if "large_over_default" in row:
            ratio = f"**{row['large_over_default']}×**" if not row["met"] else f"{row['large_over_default']}×"
            if "median_large_over_default" in row:
                ratio += f" [{row['median_large_over_default']}×]"
        bound = "≥" if row["unit"] == "rows/s" else "≤"
        verdict = "" if "met" not in row else (" met" if row["met"] else " **not met**")
        name = row["measure"] + (" (rows/s)" if row["unit"] == "rows/s" else " (p95 [median] ms)")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {ratio} | {bound} {row['target']}×{verdict} |")
    return "\n".join(lines)


def plot(results: dict[str, dict], rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    sizes = subscribers_at(results)
    figure, (pages, purge) = plt.subplots(1, 2, figsize=(13, 5.5), gridspec_kw={"width_ratios": [2, 1]})
    for row in rows:
        scales = [s for s in results if s in row["at"]]
        xs = [sizes[s] for s in scales]
        ys = [row["at"][s]["value"] for s in scales]
        if row["unit"] == "rows/s":
            purge.plot(xs, ys, marker="o", label="purge")
            floors = [row["at"][s]["floor"] for s in scales]
            purge.plot(xs, floors, marker="s", linestyle="--", label="raw DELETE (floor)")
        else:
            pages.plot(xs, ys, marker="o", label=row["measure"])
    machine = next(iter(results.values()))["machine"]
    for axis, title, unit in ((pages, "pages: p95", "ms"), (purge, "retention purge", "rows/s")):
        axis.set_xscale("log")
        axis.set_xlabel("subscribers (log scale)")
        axis.set_ylabel(unit)
        axis.set_title(title)
        axis.set_xticks(list(sizes.values()), [f"{n:,}\n{s}" for s, n in sizes.items()])
        axis.minorticks_off()
        axis.grid(True, alpha=0.3)
        axis.legend(fontsize=7, loc="best")
    pages.set_yscale("log")  # 20 ms to seconds: each page's own growth shows as a slope
    pages.set_ylabel("ms (log scale)")
    plain = matplotlib.ticker.FuncFormatter(lambda value, _pos: f"{value:g}")
    pages.yaxis.set_major_formatter(plain)
    pages.yaxis.set_minor_formatter(plain)
    purge.set_ylim(bottom=0)
    dates = sorted({run["date"] for run in results.values()})
    figure.suptitle(f"MCTV benchmark growth curve — {', '.join(dates)} — {machine['cpus']} CPUs")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def report_growth(directory: Path, plot_path: Path | None = None) -> dict[str, Any]:
    """Print the table of every scale that has results in ``directory`` and write the plot and its figures."""
    results = load(directory)
    if not results:
        print("growth curve: no results-<scale>.json yet")
        return {}
    documented = sum(scale in results for scale in CURVE) >= 2
    if documented:
        results = {scale: run for scale, run in results.items() if scale in CURVE}
    rows = rows_of(results)
    print(table(results, rows))
    where = ROOT / "docs" if documented else ROOT / "bench"
    plot_path = plot_path or where / "growth.png"
    figures = {
        "subscribers": subscribers_at(results),
        "dates": {scale: run["date"] for scale, run in results.items()},
        "generation_seconds": {scale: run["generation"]["seconds"] for scale, run in results.items()},
        "rows": rows,
    }
    plot(results, rows, plot_path)
    plot_path.with_suffix(".json").write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n")
    print(f"growth curve: {plot_path.relative_to(ROOT) if plot_path.is_relative_to(ROOT) else plot_path}")
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=ROOT / "bench", help="where the results-<scale>.json are")
    parser.add_argument("--plot", type=Path, default=None, help="where to write the plot (and its .json)")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown only, write nothing")
    args = parser.parse_args(argv)
    if args.markdown:
        results = load(args.results)
        if sum(scale in results for scale in CURVE) >= 2:
            results = {scale: run for scale, run in results.items() if scale in CURVE}
        print(markdown(results, rows_of(results)))
        return 0
    report_growth(args.results, args.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
