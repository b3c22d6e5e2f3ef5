"""Commands that read the archive: show, get, export, search, edit, review, stats."""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import render
from ..errors import NotFound

if TYPE_CHECKING:
    pass


from . import Context, FieldChoice, cli, pass_ctx

# --- reading the archive ----------------------------------------------------------------

@cli.command()
@click.argument("doc_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable record.")
@pass_ctx
def show(obj: Context, doc_id: int, as_json: bool) -> None:
    """Show one document: fields with confidence and source, pages, a link to open it."""
    from ..pipelines import catalog

    record = catalog.document_record(obj.reading, doc_id, with_url=True)
    if as_json:
        click.echo(render.json_text(record, indent=2))
    else:
        render.show_document(record)


@cli.command()
@click.argument("doc_id", type=int)
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="File (or folder) to write.")
@click.option("--original", is_flag=True, help="The original scan instead of the searchable PDF.")
@pass_ctx
def get(obj: Context, doc_id: int, output: Path, original: bool) -> None:
    """Write a document's searchable PDF (or its original) to a file."""
    from ..pipelines import catalog

    _output_folder(output if output.is_dir() else output.parent)
    written = catalog.fetch_file(obj.reading, doc_id, output, original=original)
    if not obj.quiet:
        click.echo(render.clean(written))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="jsonl: one record per line; csv: UTF-8 with BOM, opens in Excel.")
@click.option("--with-text", is_flag=True, help="Include each page's text (jsonl).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Output file (default stdout).")
@pass_ctx
def export(obj: Context, fmt: str, with_text: bool, output: Path | None) -> None:
    """Export every document's record (jsonl, or CSV for Excel with Phụ lục VI headers)."""
    from ..pipelines import catalog

    if output is not None:
        _output_folder(output.parent)
    # CSV starts with a UTF-8 BOM so that Excel reads the Vietnamese text right
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with click.open_file(str(output) if output else "-", "w", encoding=encoding, atomic=bool(output)) as out:
        if fmt == "jsonl":
            for record in catalog.iter_records(obj.reading, with_text=with_text):
                out.write(render.json_text(record) + "\n")
        else:
            catalog.write_csv(obj.reading, out)


def _output_folder(folder: Path) -> None:
    """-o names a file in a folder that must exist: a typo must not scatter new folders."""
    if not folder.is_dir():
        raise NotFound(f"{folder}: no such folder for -o", advice="create it first, or give -o a file "
                       "in a folder that exists")


class SearchCommand(click.Command):
    """search's command line: a query word may start with "-" ("-UBND", "-nam").

    click would take such a word for options (and "-nam" for `-n am`), and
    `ignore_unknown_options` does not help with words holding an n or h. So the words that
    are none of search's options go after a `--` before click reads the line, in their order.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _options_first(self.get_params(ctx), args))


def _options_first(params: list[click.Parameter], args: list[str]) -> list[str]:
    """The options (with their values) of a command line, then `--`, then every other word.

    An option is a name the command has (or any `--long`, so a typo is still reported); a
    short option's glued value counts only when it starts with a digit ("-n5", not "-nam").
    """
    with_value: set[str] = set()
    flags: set[str] = set()
    for param in params:
        if isinstance(param, click.Option):
            names = param.opts + param.secondary_opts
            (flags if param.is_flag or param.count else with_value).update(names)
    options: list[str] = []
    words: list[str] = []
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            words.extend(rest)
        elif arg in with_value:
            options.extend([arg, *islice(rest, 1)])
        elif arg.startswith("--") or arg in flags or (arg[:2] in with_value and arg[2:3].isdigit()):
            options.append(arg)
        else:
            words.append(arg)
    return [*options, "--", *words] if words else options


@cli.command(cls=SearchCommand)
@click.argument("query_words", metavar="[QUERY]...", nargs=-1)
@click.option("--type", "doc_type", help="Tên loại, e.g. 'Quyết định'.")
@click.option("--issuer", help="Issuing agency (part of the name, tone marks optional).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Issued on or after.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Issued on or before.")
@click.option("--number", help="Số or số và ký hiệu, e.g. 106 or 106/KH-UBND.")
@click.option("-n", "--limit", type=click.IntRange(1, 1000), default=20, show_default=True,
              help="Most results to show.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines.")
@pass_ctx
def search(obj: Context, query_words: tuple[str, ...], doc_type: str | None, issuer: str | None,
           date_from: Any, date_to: Any, number: str | None, limit: int, as_json: bool) -> None:
    """Find documents; tone marks optional ("quyet dinh" finds "QUYẾT ĐỊNH"), "phrases" quoted."""
    from ..pipelines import catalog

    query = " ".join(query_words)
    hits = catalog.search(
        obj.reading, query, doc_type=doc_type, issuer=issuer,
        date_from=date_from.date().isoformat() if date_from else None,
        date_to=date_to.date().isoformat() if date_to else None, number=number, limit=limit,
    )
    if as_json:
        for hit in hits:
            click.echo(render.json_text(hit))
    else:
        render.search_results(hits, query)


@cli.command()
@click.argument("doc_id", type=int)
@click.option("--field", "field_name", required=True, type=FieldChoice(), help="The field to correct.")
@click.option("--value", help="The correct value.")
@click.option("--clear", is_flag=True, help="The field does not exist on this document (null).")
@pass_ctx
def edit(obj: Context, doc_id: int, field_name: str, value: str | None, clear: bool) -> None:
    """Correct one field; the manual value wins over later re-extraction and is audited."""
    from ..pipelines import review

    if (value is None) == (not clear):
        raise click.UsageError("give exactly one of --value or --clear")
    old, new = review.set_field(obj.archive, doc_id, field_name, None if clear else value)
    if not obj.quiet:
        click.echo(f"document {doc_id}: {field_name}: {old!r} -> {new!r}")


@cli.command("review")
@click.option("--list", "list_only", is_flag=True, help="Only list what needs review.")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Confidence under which a field is shown.")
@click.option("-n", "--limit", type=click.IntRange(1), default=50, show_default=True,
              help="Most documents to go through.")
@click.option("--web", is_flag=True, help="Review in the browser, with the page in view (`digitize serve` "
              "on 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="With --web.")
@pass_ctx
def review_cmd(obj: Context, list_only: bool, threshold: float | None, limit: int, web: bool,
               port: int) -> None:
    """Go through fields the machine was unsure of: accept, correct or clear each one."""
    from ..pipelines import review

    if web:
        from ..web import server

        app = server.prepare(obj.archive, host="127.0.0.1")
        url = f"http://127.0.0.1:{port}/review"
        click.echo(f"digitize review: {url}  (Ctrl-C stops it)")
        server.open_browser(url)
        server.run(app, host="127.0.0.1", port=port, quiet=True)
        return

    items = list(review.pending(obj.reading if list_only else obj.archive, limit=limit, threshold=threshold))
    if not items:
        click.echo("nothing to review")
        return
    if list_only:
        render.review_list(items)
        return
    render.review_session(obj.archive, items, review)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable counts.")
@pass_ctx
def stats(obj: Context, as_json: bool) -> None:
    """Counts by type, issuer, year and month; pages; documents needing review."""
    from ..db import repository

    with obj.reading.session() as session:
        counts = repository.stats(session)
    if as_json:
        click.echo(render.json_text(counts, indent=2))
    else:
        render.stats(counts)
