"""CLI commands for data in and out: `kim import-cordis`, `kim import`, `kim export`."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from kim_network.cli.group import kim
from kim_network.cli.store import ensure_schema
from kim_network.extensions import get_store
from kim_network.core.model import ValidationError
from kim_network.store import StoreError


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _counts_table(before: dict[str, int], after: dict[str, int]) -> list[str]:
    lines = []
    width = max(len(k) for k in after)
    for name, count in after.items():
        old = before.get(name, 0)
        if old or count:
            change = f" (+{count - old:,})" if count > old else (f" ({count - old:,})" if count < old else "")
            lines.append(f"  {name:<{width}}  {old:>9,} -> {count:>9,}{change}")
    return lines


@kim.command("import-cordis")
@click.argument("folder", required=False, type=click.Path(path_type=Path))
def import_cordis_command(folder):
    """Import a CORDIS Horizon Europe folder (default: $KIM_CORDIS_DIR or ../shared/data/...).

    Applies missing schema migrations, seeds the curated skill taxonomy, then writes
    regions, skills, organisations, projects, calls and their relationships in batches.
    Safe to re-run: it changes no count, and an interrupted import is completed by
    running it again.
    """
    from kim_network.importers.cordis import CordisFormatError, default_dir
    from kim_network.importers.records import import_cordis, total_rows

    folder = folder or default_dir()
    bar = {}

    def on_read(records):
        click.echo(f"read {folder}: {total_rows(records):,} rows", err=True)
        bar["bar"] = click.progressbar(length=total_rows(records), label="writing", file=sys.stderr,
                                       show_pos=True, width=30)
        bar["bar"].__enter__()
        bar["last"] = {}

    def progress(phase, done, total):
        step = done - bar["last"].get(phase, 0)
        bar["last"][phase] = done
        bar["bar"].label = f"writing {phase:<16}"
        bar["bar"].update(step)

    try:
        store = get_store()
        ensure_schema(store)
        result = import_cordis(store, folder, progress=progress, on_read=on_read)
    except CordisFormatError as exc:
        _fail(f"{exc}")
    except StoreError as exc:
        _fail(str(exc))
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
    click.echo(f"imported {result.folder} in {result.seconds:.1f} s "
               f"(read {result.read_seconds:.1f} s, taxonomy {result.taxonomy_seconds:.1f} s, "
               f"write {result.write.seconds:.1f} s)")
    for line in _counts_table(result.before, result.after):
        click.echo(line)
    if result.dropped:
        click.echo("left out values that break the field rules: "
                   + ", ".join(f"{name} {count:,}" for name, count in sorted(result.dropped.items())))


def _starts_with_brace(path: Path) -> bool:
    """A JSON object without a .json suffix may still be an export."""
    try:
        with open(path, "rb") as handle:
            return handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"
    except OSError:
        return False


@kim.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", type=click.Choice(["organizations", "people", "skills", "needs", "offers"]),
              help="What the file holds (default: from the JSON keys or the CSV header).")
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid rows and list the invalid ones (default: nothing on any error).")
def import_command(file, kind, skip_invalid):
    """Import a member list (CSV or JSON) or a network export (JSON from `kim export`).

    Every row is checked first; when any row is invalid nothing is written and the
    errors are listed (exit code 1), unless --skip-invalid is given.
    """
    from kim_network.importers.export import ExportFileError, import_export, is_export_document, read_export_file
    from kim_network.importers.members import MemberFileError, import_member_file

    store = get_store()
    started = time.perf_counter()
    try:
        ensure_schema(store)
        document = None
        if file.suffix.lower() == ".json" or _starts_with_brace(file):
            document = read_export_file(file)
        if is_export_document(document):
            result = import_export(document, store, skip_invalid=skip_invalid)
            for error in result.errors:
                click.echo(error, err=True)
            if not result.written:
                _fail(f"{len(result.errors)} error(s) in {file.name}; nothing was imported")
            click.echo(f"imported the export {file.name}: {result.nodes:,} nodes, {result.edges:,} relationships"
                       + (f"; skipped {len(result.errors)} invalid item(s)" if result.errors else ""))
            return
        result = import_member_file(file, store, kind=kind, skip_invalid=skip_invalid)
    except (MemberFileError, ExportFileError) as exc:
        _fail(str(exc))
    except StoreError as exc:
        _fail(str(exc))
    for error in result.errors:
        click.echo(str(error), err=True)
    if not result.written:
        _fail(f"{len(result.errors)} error(s) in {file.name}; nothing was imported "
              "(fix them, or repeat with --skip-invalid to import the valid rows)")
    kinds = sorted(set(result.created) | set(result.updated) | set(result.unchanged))
    for k in kinds:
        click.echo(f"  {k:<14} {result.created.get(k, 0):>5} new  {result.updated.get(k, 0):>5} updated  "
                   f"{result.unchanged.get(k, 0):>5} unchanged")
    if result.seeded_taxonomy:
        click.echo("  (seeded the curated skill taxonomy the rows refer to)")
    if result.errors:
        rows = len({e.where for e in result.errors})
        click.echo(f"skipped {rows} invalid row(s), listed above")
    click.echo(f"imported {file.name} in {time.perf_counter() - started:.1f} s")


@kim.command("export")
@click.option("--format", "fmt", type=click.Choice(["json", "graphml"]), default="json", show_default=True)
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Output file (default: stdout).")
@click.option("--labels", multiple=True, help="Only these node labels, e.g. Organization,Skill (repeatable).")
@click.option("--include-platform-records", is_flag=True,
              help="Also export accounts, introductions, feedback, notifications and the audit log.")
def export_command(fmt, out, labels, include_platform_records):
    """Export the graph as lossless JSON (re-importable with `kim import`) or GraphML (Gephi).

    A staff tool: exports every profile whatever its visibility. Platform records that
    hold personal data are left out unless --include-platform-records is given.
    """
    from kim_network.importers.export import export_graph, iter_labels, write_graphml, write_json

    try:
        wanted = iter_labels(labels) or None
    except ValidationError as exc:
        raise click.BadParameter(exc.message, param_hint="--labels") from None
    try:
        document = export_graph(get_store(), labels=wanted, include_platform_records=include_platform_records)
    except StoreError as exc:
        _fail(str(exc))
    try:
        if fmt == "json":
            if out:
                with open(out, "w", encoding="utf-8") as handle:
                    write_json(document, handle)
            else:
                write_json(document, sys.stdout)
        else:
            if out:
                with open(out, "wb") as handle:
                    write_graphml(document, handle)
            else:
                write_graphml(document, sys.stdout.buffer)
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror or exc}")
    if out:
        click.echo(f"exported {len(document['nodes']):,} nodes and {len(document['edges']):,} "
                   f"relationships to {out}", err=True)
