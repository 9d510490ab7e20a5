"""Kill rates per module from the last mutmut run (`make mutation`, docs/testing.md).

Reads what mutmut left in ``mutants/``: one ``<file>.py.meta`` (JSON, the exit code of each mutant's
test run) and the mutated ``<file>.py`` (every mutant as a function beside the original) per module.
A surviving mutant is "equivalent" when an entry of the equivalents file (TOML) describes it:

    [[equivalent]]
    function = "authorize.domain.tokens.checksum"   # the mutated function (a glob)
    from = '"ascii"'                                # text of the changed lines before ...
    to = '"ASCII"'                                  # ... and after; "*": any change inside `from`
    why = "codec names are case-insensitive"

The kill rate is killed / (killed + survived - equivalent); a timeout counts as killed (the tests did
not pass), a mutant no test reaches as survived. Exit status 1 when a group (domain, use cases, the retry
module, GitHub edge) is below ``--fail-under`` percent, 0 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import fnmatch
import json
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# mutmut's exit codes (mutmut/stats.py): 1 and 3 killed, 0 survived, 33 and 5 no test reaches it, 36 and
# the SIGXCPU codes timed out, -9 and -11 the tests' process died (both count as killed), None not checked
# yet, 2 interrupted, 34 skipped, 37 caught by a type checker. Anything else is "suspicious": survived.
KILLED = {1, 3, 37}
TIMEOUT = {36, 24, -24, 152, 255, -9, -11}
UNCHECKED = {None, 2, 34}

# Groups the target is set for; a module belongs to the first prefix it starts with.
GROUPS = (
    ("retry", "authorize.usecases.retry"),
    ("domain", "authorize.domain"),
    ("usecases", "authorize.usecases"),
    ("github", "authorize.github"),
)
CLASS_SEPARATOR = "ǁ"  # mutmut names a method's mutants x<sep>Class<sep>method__mutmut_N


@dataclass(frozen=True)
class Equivalent:
    function: str
    before: str
    after: str
    why: str

    def matches(self, function: str, change: Change) -> bool:
        if not fnmatch.fnmatchcase(function, self.function):
            return False
        start = change.removed.find(self.before)
        while start >= 0:
            prefix, suffix = change.removed[:start], change.removed[start + len(self.before) :]
            if self.after == "*":
                inside = change.added.startswith(prefix) and change.added.endswith(suffix)
                if inside and len(change.added) >= len(prefix) + len(suffix):
                    return True
            elif prefix + self.after + suffix == change.added:
                return True
            start = change.removed.find(self.before, start + 1)
        return False


@dataclass(frozen=True)
class Change:
    """A mutant's changed lines (stripped, joined by newlines), before and after."""

    removed: str
    added: str

    def lines(self) -> list[str]:
        return [f"- {line}" for line in self.removed.splitlines()] + [f"+ {line}" for line in self.added.splitlines()]


@dataclass
class Survivor:
    name: str
    function: str
    change: Change
    status: str


@dataclass
class Row:
    module: str
    mutants: int = 0
    killed: int = 0
    timeouts: int = 0
    survived: int = 0
    equivalent: int = 0
    unchecked: int = 0
    survivors: list[Survivor] = field(default_factory=list)

    def add(self, other: Row) -> None:
        self.mutants += other.mutants
        self.killed += other.killed
        self.timeouts += other.timeouts
        self.survived += other.survived
        self.equivalent += other.equivalent
        self.unchecked += other.unchecked
        self.survivors.extend(other.survivors)

    @property
    def rate(self) -> float | None:
        judged = self.killed + self.survived - self.equivalent
        return 100.0 * self.killed / judged if judged else None


def load_equivalents(path: Path) -> list[Equivalent]:
    data = tomllib.loads(path.read_text("utf-8"))
    out = []
    for entry in data.get("equivalent", []):
        missing = {"function", "from", "to", "why"} - set(entry)
        if missing or not entry["why"].strip():
            raise SystemExit(f"{path}: an entry lacks {sorted(missing) or ['a reason']}: {entry}")
        out.append(Equivalent(entry["function"], entry["from"], entry["to"], entry["why"]))
    return out


def function_name(module: str, mangled: str) -> str:
    """``x_base62`` -> ``module.base62``; ``xǁLoginǁauthenticate`` -> ``module.Login.authenticate``."""
    if mangled.startswith("x" + CLASS_SEPARATOR):
        _, cls, method = mangled.split(CLASS_SEPARATOR)
        return f"{module}.{cls}.{method}"
    return f"{module}.{mangled.removeprefix('x_')}"


def function_sources(mutated_file: Path) -> dict[str, list[str]]:
    """Every function of the mutated module by name, as its source lines with the name blanked."""
    source = mutated_file.read_text("utf-8")
    lines = source.splitlines()
    out: dict[str, list[str]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and "__mutmut_" in node.name:
            body = lines[node.lineno - 1 : node.end_lineno]
            body[0] = body[0].replace(node.name, "_", 1)
            out[node.name] = body
    return out


def change_of(sources: dict[str, list[str]], local_name: str) -> Change:
    original = sources.get(local_name.partition("__mutmut_")[0] + "__mutmut_orig", [])
    mutant = sources.get(local_name, [])
    removed, added = [], []
    for line in difflib.ndiff(original, mutant):
        if line.startswith("- "):
            removed.append(line[2:].strip())
        elif line.startswith("+ "):
            added.append(line[2:].strip())
    return Change("\n".join(removed), "\n".join(added))


def module_rows(mutants: Path, equivalents: Sequence[Equivalent], used: set[int]) -> list[Row]:
    rows = []
    for meta in sorted(mutants.rglob("*.py.meta")):
        mutated = meta.with_suffix("")  # tokens.py.meta -> tokens.py
        module = ".".join(mutated.relative_to(mutants).with_suffix("").parts).removeprefix("src.")
        module = module.removesuffix(".__init__")
        codes: dict[str, int | None] = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
        row = Row(module)
        sources: dict[str, list[str]] | None = None
        for name, code in sorted(codes.items()):
            row.mutants += 1
            if code in UNCHECKED:
                row.unchecked += 1
            elif code in KILLED:
                row.killed += 1
            elif code in TIMEOUT:
                row.killed += 1
                row.timeouts += 1
            else:
                row.survived += 1
                sources = sources if sources is not None else function_sources(mutated)
                local = name.removeprefix(module + ".")
                function = function_name(module, local.partition("__mutmut_")[0])
                change = change_of(sources, local)
                hits = [i for i, e in enumerate(equivalents) if e.matches(function, change)]
                if hits:
                    row.equivalent += 1
                    used.update(hits)
                else:
                    status = "survived" if code == 0 else ("no test reaches it" if code in (5, 33) else "suspicious")
                    row.survivors.append(Survivor(name, function, change, status))
        rows.append(row)
    return rows


def group_of(module: str) -> str:
    return next((group for group, prefix in GROUPS if module == prefix or module.startswith(prefix + ".")), "other")


def percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.1f}%"


def table(rows: Iterable[tuple[str, Row]], markdown: bool) -> list[str]:
    header = ("module", "mutants", "killed", "survived", "equivalent", "kill rate")
    cells = [header] + [
        (label, str(r.mutants), str(r.killed), str(r.survived), str(r.equivalent), percent(r.rate)) for label, r in rows
    ]
    if markdown:
        lines = ["| " + " | ".join(c) + " |" for c in cells]
        lines.insert(1, "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
        return lines
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    return [
        "  ".join(c[0].ljust(widths[0]) if i == 0 else c[i].rjust(widths[i]) for i in range(len(header))) for c in cells
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=Path, default=Path(".local/mutation/mutants"))
    parser.add_argument("--equivalents", type=Path, default=Path("tests/mutation_equivalents.toml"))
    parser.add_argument("--fail-under", type=float, default=95.0, help="least kill rate of each group, in percent")
    parser.add_argument("--show", action="store_true", help="print every unexplained survivor's change")
    parser.add_argument("--markdown", action="store_true", help="the table in Markdown (for docs/testing.md)")
    args = parser.parse_args(argv)

    if not any(args.mutants.rglob("*.py.meta")):
        print(f"no mutmut results in {args.mutants}: run `make mutation` first", file=sys.stderr)
        return 2
    equivalents = load_equivalents(args.equivalents)
    used: set[int] = set()
    rows = module_rows(args.mutants, equivalents, used)

    groups: dict[str, Row] = {}
    total = Row("total")
    for row in rows:
        groups.setdefault(group_of(row.module), Row(group_of(row.module))).add(row)
        total.add(row)
    order = [g for g, _ in GROUPS if g in groups] + [g for g in groups if g not in dict(GROUPS)]
    listed: list[tuple[str, Row]] = []
    for group in order:
        listed += [(r.module, r) for r in rows if group_of(r.module) == group and r.mutants]
        listed.append((f"= {group}", groups[group]))
    listed.append(("= total", total))
    print("\n".join(table(listed, args.markdown)))

    if total.timeouts:
        print(f"\n{total.timeouts} mutant(s) timed out (counted as killed).")
    if total.unchecked:
        print(f"{total.unchecked} mutant(s) not checked (a partial run): left out of the rates.")
    if total.survivors:
        print(f"\n{len(total.survivors)} survivor(s) neither killed nor judged equivalent", end="")
        print(":" if args.show else " (MUTATION_REPORT_ARGS=--show for their changes).")
        for s in total.survivors if args.show else []:
            print(f"\n{s.name}  [{s.status}]  {s.function}")
            print("\n".join("    " + line for line in s.change.lines()))
    stale = [e for i, e in enumerate(equivalents) if i not in used]
    if stale and not total.unchecked:
        print(f"\nEntries of {args.equivalents} that matched no survivor (killed now, or the code moved): {len(stale)}")
        for e in stale:
            print(f"    {e.function}: {e.before!r} -> {e.after!r}")

    low = [g for g in order if g != "other" and (groups[g].rate or 100.0) < args.fail_under]
    if low:
        print(f"\nbelow {args.fail_under:g}%: {', '.join(low)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
