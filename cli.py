"""`archive`: index presentation files and search them from the terminal."""

from __future__ import annotations

import enum
import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click
from click.core import ParameterSource

from archive import output
from archive.errors import ArchiveError
from archive.output import display_path, os_error, safe
from archive.text import LANGUAGES


class Exit(enum.IntEnum):
    OK = 0  # an empty result too
    ERROR = 1
    USAGE = 2
    PARTIAL = 3  # a bulk run that finished but skipped files
    INTERRUPTED = 130  # Ctrl-C: what was done is committed


class Failed(click.ClickException):
    """An error for the user: one line on stderr, exit 1."""


def error(message: str) -> None:
    """Every error and warning the CLI prints starts the same way."""
    echo(f"archive: {message}", err=True)


def echo(line: str = "", **kwargs) -> None:
    """A line of text output, made safe for a terminal: for lines with no styling of ours."""
    click.echo(safe(line), **kwargs)


def emit(lines, err: bool = False) -> None:
    """Lines a renderer of `archive.output` made (safe already): on stdout, or on stderr."""
    for line in lines:
        click.echo(line, err=err)


def one_line(exc: Exception) -> str | None:
    """The one line an error of the library says, or None for an exception that is a bug:
    ArchiveError, IndexerError (the path, then the reason) and OSError."""
    if isinstance(exc, ArchiveError):
        return str(exc)
    errors = sys.modules.get("indexer.errors")  # raised only once imported: never on a search
    if errors is not None and isinstance(exc, errors.IndexerError):
        path = getattr(exc, "path", None)
        return f"{display_path(path)}: {exc.reason}" if path else str(exc)
    if isinstance(exc, OSError):
        return os_error(exc)
    return None


def reported(function):
    """FUNCTION with the library's errors (see `one_line`) as one line on stderr and exit 1."""
    import functools

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except BrokenPipeError:
            raise  # the reader had enough: see ArchiveGroup.invoke
        except Exception as exc:
            line = one_line(exc)
            if line is None:
                raise
            raise Failed(line) from exc

    return wrapper


class ArchiveGroup(click.Group):
    """The root command: errors of every kind end as one line (`archive: ...`) and an exit
    code (see Exit), never a traceback; a reader that closes the pipe ends the output quietly."""

    def invoke(self, ctx: click.Context):
        try:
            return self._invoke(ctx)
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(Exit.OK)  # `archive search ... | head -1`: the reader had enough

    @reported
    def _invoke(self, ctx: click.Context):
        result = super().invoke(ctx)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return result

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as exc:
            if exc.ctx is not None:
                click.echo(exc.ctx.get_usage(), err=True)
                click.echo(f"Try '{exc.ctx.command_path} --help' for help.\n", err=True)
            error(exc.format_message())
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            error(exc.format_message())
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C outside an index run
            error("interrupted")
            sys.exit(Exit.INTERRUPTED)
        sys.exit(code or Exit.OK)


def _silence_stdout() -> None:
    """Python would report the closed pipe again when it flushes stdout at exit."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test's capture): nothing to flush


def default_index_dir() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "archive" / "index"


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON on stdout instead of text."
)


def output_options(command):
    """An option for each format of `archive.output.FORMATS` (--json, --jsonl), for a command
    that lists things; the command takes `fmt` ("text" or the format's name)."""
    import functools

    names = list(output.FORMATS)

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        chosen = [name for name in names if kwargs.pop(f"as_{name}")]
        if len(chosen) > 1:
            raise click.UsageError(" and ".join(f"--{name}" for name in chosen)
                                   + " cannot be used together", click.get_current_context())
        return command(*args, fmt=chosen[0] if chosen else "text", **kwargs)

    for name in reversed(names):
        help_ = (output.FORMATS[name].__doc__ or "").strip().splitlines()[0]
        wrapper = click.option(f"--{name}", f"as_{name}", is_flag=True, help=help_)(wrapper)
    return wrapper


def print_json(data) -> None:
    click.echo(output.as_json(data))


def use_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@click.group(cls=ArchiveGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="archive", prog_name="archive")
@click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path),
    envvar="ARCHIVE_INDEX",
    default=default_index_dir,
    show_default="$XDG_DATA_HOME/archive/index",
    help="The index folder (or set ARCHIVE_INDEX).",
)
@click.option("-v", "--verbose", count=True, help="Say more on stderr (-vv for debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr; no progress bar.")
@click.pass_context
def main(ctx: click.Context, index_dir: Path, verbose: int, quiet: bool) -> None:
    """Search the slides of conferences and trainings in Latvian, Lithuanian and English.

    \b
    Index a folder of PDF, PPTX, ODP and PPT files, then search it:
      archive index corpus
      archive search LEAN --lang lt
      archive search Rotko --speaker cacka

    \b
    Exit status: 0 done (an empty result too), 1 an error (one line on stderr, "archive: "
    first), 2 a command used wrongly, 3 an index run that left files unindexed (they failed,
    now or in an earlier run), 130 interrupted.
    """
    if index_dir.exists() and not index_dir.is_dir():
        named = ("ARCHIVE_INDEX" if ctx.get_parameter_source("index_dir") is
                 ParameterSource.ENVIRONMENT else "--index")
        raise click.UsageError(f"{named} names {index_dir}, a file: the index is a folder", ctx)
    if verbose or ctx.invoked_subcommand in READING_FILES:
        _log_to_stderr(verbose, quiet)
    ctx.obj = {"index_dir": index_dir, "quiet": quiet}


# The commands that read files, whose readers log what they skip (a slide, a damaged page).
# Only they set up logging unless -v asks: importing it would slow a cold search.
READING_FILES = ("index", "inspect")


def _log_to_stderr(verbose: int, quiet: bool) -> None:
    import logging

    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="archive: %(message)s", stream=sys.stderr)
    if verbose < 2:
        # pypdf logs every repair it makes to a damaged file; the one-line reason is enough.
        logging.getLogger("pypdf").setLevel(logging.ERROR)


class WorkerLimit(click.Option):
    """An option whose default is a field of `indexer.workers.Limits`, the one place that holds
    it: read only when asked for (an index run, its --help), so that no other command imports
    the workers' modules."""

    def __init__(self, *args, limit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit

    def get_default(self, ctx: click.Context, call: bool = True):
        from indexer.workers import Limits

        return getattr(Limits(), self.limit)


# How `index --ocr` reads pictures of text: those of pages with (nearly) no text, or all.
OCR_MODES = ("pages", "all")


class OcrCommand(click.Command):
    """`--ocr` alone is `--ocr pages`: the word after it is its value only when it is one of
    OCR_MODES, so that `archive index --ocr corpus` indexes corpus (`index`, `inspect`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        given, options = [], True
        for n, arg in enumerate(args):
            options = options and arg != "--"
            if options and arg == "--ocr" and (n + 1 == len(args) or args[n + 1] not in OCR_MODES):
                arg = "--ocr=pages"
            given.append(arg)
        return super().parse_args(ctx, given)


@main.command(cls=OcrCommand)
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--rebuild",
    is_flag=True,
    help="Build a new index from PATHS alone; the old one is replaced only when it is done.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be added, updated, moved and removed.")
@click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None,
    help="Worker processes reading files (default: one per core).",
)
@click.option("--retry-failed", is_flag=True, help="Read files that failed before even if unchanged.")
@click.option("--prune", is_flag=True,
              help="Remove the files of a folder that is empty now (kept by default: an "
                   "unmounted disk looks empty).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one JSON line per file that failed or lost pages to this file.")
@click.option("--no-wait", is_flag=True,
              help="If another `archive index` is writing this index, exit instead of waiting.")
@click.option("--timeout", cls=WorkerLimit, limit="seconds", show_default=True,
              type=click.IntRange(min=1), help="Seconds one file may take to read.")
@click.option("--memory", cls=WorkerLimit, limit="memory_mb", show_default=True,
              type=click.IntRange(min=64), help="MB of memory one file may take to read.")
@click.option("--ocr", type=click.Choice(OCR_MODES), default=None,
              help="Read pictures of text with Tesseract: `--ocr` (or `--ocr pages`) those of "
                   "pages with (nearly) no text, `--ocr all` every picture. Unchanged files "
                   "whose pictures were not read so are read again; what was read is cached. "
                   "The time limit becomes --timeout or 900 s a file.")
@click.option("--scheduler", envvar="ARCHIVE_SCHEDULER", show_envvar=True,
              metavar="tcp://HOST:PORT",
              help="Read the files on the Dask cluster of this scheduler instead of local "
                   "processes (--jobs); needs `pip install '.[cluster]'`.")
@click.option("--ship-files", is_flag=True,
              help="With --scheduler: send each file's bytes to the workers, for workers "
                   "that cannot read the files at their paths.")
@json_option
@click.pass_context
def index(
    ctx: click.Context, paths: tuple[Path, ...], rebuild: bool, dry_run: bool, jobs: int | None,
    retry_failed: bool, prune: bool, report_file: Path | None, no_wait: bool, timeout: int,
    memory: int, ocr: str | None, scheduler: str | None, ship_files: bool, as_json: bool,
) -> None:
    """Bring the index up to date with PATHS (files, and folders searched recursively).

    Reads .pdf, .pptx (.ppsx, .potx, ...), .odp (.otp) and, with LibreOffice installed, legacy
    .ppt (.pps, .pot) files, in any case of the extension: one index entry per page or slide
    (its text frames, tables, charts, SmartArt, comments, notes; a PDF's annotations), with its
    language (lv, lt or en), the talk's speaker and title. Pictures of text (a scanned page, a
    slide that is one screenshot) are read with Tesseract when --ocr is given; without it, the
    pages that show pictures but (nearly) no text are counted. A catalog.csv beside the
    files (columns file, item, title, speaker, language, event, date, place, aliases) is
    trusted over what the files say; a catalog added, edited or removed later is applied by the
    next run to the files whose row changed, without reading them again.

    Only what changed is read again: a file whose size and time are unchanged is skipped, a
    touched or moved file is recognised by its content and keeps its pages, and files gone from
    under PATHS leave the index (files indexed from elsewhere stay). Paths are resolved first
    (.., symlinks), so a file reached twice is one file; byte-identical copies at two paths are
    one talk, shown once with both paths. Files are read by worker processes, one per core;
    work is committed in batches, and an interrupted run leaves the index as of its last
    commit, searchable.

    A file that cannot be read is reported on stderr, one line each, and skipped; the run goes
    on and exits with status 3. It is not read again until it changes (or --retry-failed), and
    every later run counts it and exits with status 3 while it fails (`archive files --failed`
    lists them). Each file is read in a worker process within a time and memory limit
    (--timeout, --memory); a file that crashes its worker is reported and the run goes on.
    Ctrl-C commits what is done and stops (status 130); a second index run on the same index
    waits for the first. The summary goes to stderr (-q silences it); --dry-run lists on
    stdout what it would do; -v logs the plan and each commit, -vv each file.

    With --scheduler the files are read on a Dask cluster, each in a process of its own on a
    worker within the same limits, and written here by the one writer as they come back; the
    workers read the files at the same paths (a shared mount), or are sent them (--ship-files).

    \b
    Examples:
      archive index corpus
      archive index --dry-run ~/slides
      archive index --ocr ~/slides/scanned-handouts
      archive --index /tmp/idx index --rebuild --jobs 2 ~/slides/2018-anyksciai
      archive index --scheduler tcp://10.0.0.5:8786 /mnt/slides
    """
    from indexer.ocr import OcrUnavailable
    from indexer.pipeline import Interrupted, index_paths
    from indexer.workers import Limits

    obj = ctx.obj
    if ship_files and not scheduler:
        raise click.UsageError("--ship-files sends files to a cluster's workers: it needs "
                               "--scheduler (or ARCHIVE_SCHEDULER)")
    cluster = None
    if scheduler:
        from indexer.cluster import Cluster

        cluster = Cluster(scheduler, ship_files)
    if ocr and ctx.get_parameter_source("timeout") is not ParameterSource.COMMANDLINE:
        timeout = Limits().ocr_seconds
    quiet = obj["quiet"]
    show_progress = not quiet and not as_json and not dry_run and sys.stderr.isatty()

    def waiting() -> None:
        error(f"another `archive index` is writing {obj['index_dir']}; waiting for it to finish "
              "(or run with --no-wait)")

    # Opened first, so that a report that cannot be written stops the run before it starts.
    report_fh = report_file.open("w", encoding="utf-8") if report_file else None
    try:
        report = index_paths(
            list(paths), obj["index_dir"], rebuild=rebuild, dry_run=dry_run, jobs=jobs,
            retry_failed=retry_failed, on_progress=_ProgressLine() if show_progress else None,
            limits=Limits(seconds=timeout, memory_mb=memory), wait=not no_wait, on_wait=waiting,
            prune=prune, ocr=ocr, cluster=cluster,
        )
    except OcrUnavailable as exc:
        error(str(exc))
        sys.exit(Exit.ERROR)
    except Interrupted as exc:
        error("interrupted: the rebuild was given up, and the index is as it was before it"
              if rebuild else str(exc))
        sys.exit(Exit.INTERRUPTED)
    except KeyboardInterrupt:  # a second Ctrl-C: stopped at once
        error("interrupted: the rebuild was given up, and the index is as it was before it"
              if rebuild else "interrupted at once: the index is as of its last commit, "
              "searchable; run again to carry on")
        sys.exit(Exit.INTERRUPTED)
    finally:
        if show_progress:
            click.echo("\r\033[K", nl=False, err=True)
    for path in report.ignored:
        error(f"{display_path(path)}: not a PDF or PPTX file; skipped")
    for root, held in report.held:
        error(f"{display_path(root)}: no files found where the index holds {held}; they stay "
              "(an unmounted disk?): `--prune` removes them")
    for failure in report.failures:
        error(f"{display_path(failure.path)}: {failure.reason}")
    if dry_run:
        if as_json:
            print_json(report.plan.to_dict())
        else:
            emit(output.plan(report.plan))
            if not quiet:
                emit(output.plan_counts(report.plan), err=True)
        if report.failures:
            sys.exit(Exit.PARTIAL)  # what a run would leave unindexed
        return
    if report_fh:
        with report_fh:
            for line in output.json_lines(report.problems()):
                report_fh.write(line + "\n")
    if as_json:
        print_json(report.to_dict())
    elif not quiet:
        emit(output.index_summary(report, obj["index_dir"]), err=True)
    if report.failures or report.failing:
        sys.exit(Exit.PARTIAL)


class _ProgressLine:
    """Files done of total, pages/s and time left, on one line of stderr that fits the
    terminal, redrawn in place ten times a second."""

    def __init__(self):
        self._shown = 0.0
        self._first: tuple[float, int, int] | None = None  # when the first file was done

    def __call__(self, progress) -> None:
        now = time.monotonic()
        if self._first is None:
            self._first = (now, progress.done, progress.pages)
        if now - self._shown < 0.1 and progress.done < progress.total:
            return
        self._shown = now
        parts = [f"{progress.done}/{progress.total} files", f"{progress.pages} pages"]
        since, files, pages = self._first
        if now - since >= 1 and progress.done > files:
            # From the rate since the first file: before it, the workers were starting.
            parts.append(f"{(progress.pages - pages) / (now - since):.0f} pages/s")
            left = (progress.total - progress.done) * (now - since) / (progress.done - files)
            parts.append(f"{int(left) // 60}:{int(left) % 60:02d} left")
        width = shutil.get_terminal_size().columns - 1  # the last column would wrap the line
        while len(parts) > 1 and len(", ".join(parts)) > width:
            parts.pop()
        click.echo(f"\r\033[K{', '.join(parts)[:width]}", nl=False, err=True)


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    help="Only pages in this language. A page's own language counts, not its document's: a "
    "Lithuanian slide in a Latvian deck is found with --lang lt.",
)
@click.option(
    "--speaker",
    metavar="NAME",
    help="Only talks by this speaker: any part of any spelling of the name, any case, with or "
    "without diacritics, Latvian or Lithuanian form (cacka finds Māris Čačka, mindaugs finds "
    "Mindaugas Sinkevičius).",
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1),
              help="How many talks (or pages, with --pages) to show.")
@click.option("--offset", default=0, type=click.IntRange(min=0),
              help="Skip this many first, to page through many results.")
@click.option("--pages", "by_page", is_flag=True, help="List every matching page, best first.")
@click.option("--collapse/--no-collapse", default=True, show_default=True,
              help="One entry per talk: its PPTX and PDF, or its versions in two languages, "
                   "are shown together.")
@click.option(
    "--exact", is_flag=True, help="Only the spellings typed (any case): no other word forms."
)
@click.option("--opensearch", "opensearch_url", metavar="URL",
              help="Search the OpenSearch index at URL (http://HOST:9200[/INDEX], INDEX "
                   "`archive` by default) that `archive export --opensearch` made, instead of "
                   "the local index (needs the `opensearch` extra).")
@output_options
@click.pass_obj
def search(
    obj: dict, query: tuple[str, ...], lang: str | None, speaker: str | None, limit: int,
    offset: int, by_page: bool, collapse: bool, exact: bool, opensearch_url: str | None,
    fmt: str,
) -> None:
    """Find the talks and slides that match QUERY, best first.

    A word finds its other forms in Latvian, Lithuanian and English (pašvaldība finds
    pašvaldības, pašvaldību; dirbti finds dirba, dirbame) and is found when typed without
    diacritics (pasvaldiba, savivaldybe). Pages with the exact spelling rank first, then other
    forms, then matches through missing diacritics; --exact keeps only the spelling typed.

    QUERY uses Whoosh syntax: words (all must match), "a phrase", OR, NOT, AND, (groups),
    wild* cards, and field:value for title, speaker, lang, format, event, place, year and path
    (speaker:kucas, format:pdf, event:anyksciai, year:2018, year:[2017 TO 2019]). Matching
    ignores case. A wildcard or range matching more than 250 words is searched as the 250 on
    the most pages, and says so; a query holds at most 1,000 characters, a word 100.

    Each talk is shown once, best first: its title, speaker and language, then its best pages
    as path:page with a snippet, the matched words in bold, and its other versions. --pages
    lists pages instead. --json prints a list of objects (path, page, title, speaker, lang,
    doc_lang, format, score, snippet, matches, and per talk its pages and versions); --jsonl
    the same objects one a line. When little matches, a corrected query is suggested.

    \b
    Examples:
      archive search LEAN --lang lt
      archive search pasvaldibu sadarbiba ar uznemejiem
      archive search '"social insurance" OR SODRA' --lang en
      archive search 'speaker:cacka Rotko' --json
      archive search LEAN --pages --limit 20 --offset 20
      archive search pasvaldiba --opensearch http://localhost:9200
    """
    asked = {"by_page": by_page, "collapse": collapse, "lang": lang, "speaker": speaker,
             "limit": limit, "offset": offset, "exact": exact}
    if opensearch_url:
        from archive.opensearch.client import find as find_there

        found = find_there(opensearch_url, " ".join(query), **asked)
    else:
        from archive.answers import find

        with opened(obj) as archive:
            found = find(archive, " ".join(query), **asked)
    quiet = obj["quiet"]
    if not quiet:
        for note in found.notes:
            error(note)
    color = use_color()
    human = output.page if by_page else output.talk
    emit(output.rows(found.entries, fmt, lambda entry: human(entry, color)))
    if not quiet and fmt == "text":
        emit(output.search_counts(found), err=True)
    if found.suggestion and not quiet:
        echo(f"Did you mean: {found.suggestion}", err=True)


@main.command()
@click.option("--opensearch", "out_dir", required=True, metavar="OUT_DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="Write the index for OpenSearch to this folder: mapping.json and bulk files.")
@click.option("--since", is_flag=True,
              help="Only what changed since the export OUT_DIR holds: the files indexed anew, "
                   "and deletions of what left the index.")
@click.option("--chunk", "chunk_pages", default=1000, show_default=True,
              type=click.IntRange(min=1), help="Pages (bulk actions) a bulk file.")
@click.option("--name", "index_name", default="archive", show_default=True,
              help="The OpenSearch index the bulk actions write to.")
@json_option
@click.pass_obj
def export(obj: dict, out_dir: Path, since: bool, chunk_pages: int, index_name: str,
           as_json: bool) -> None:
    """Export the index for OpenSearch (or Elasticsearch): the index's settings and mapping
    (mapping.json, with Lucene's latvian, lithuanian and english analyzers, a variant of each
    folded to ASCII, and the archive's own keys of each word) and every page as bulk requests
    (bulk-00001.ndjson, ...), to send with curl; `archive search --opensearch URL` then
    searches it. --since exports only the files indexed anew since the export OUT_DIR holds,
    and deletes the pages of files that left the index. Each export's bulk files replace the
    last one's: send them before the next. --json prints {out_dir, since, files, pages,
    deleted_files, deleted_pages, chunks}.

    \b
    Examples:
      archive export --opensearch /tmp/os
      archive export --opensearch /tmp/os --since
    """
    from archive.opensearch.export import export as write_export

    with opened(obj) as archive:
        report = write_export(archive, out_dir, since=since, chunk_pages=chunk_pages,
                              index=index_name)
    if as_json:
        print_json(report.to_dict())
    elif not obj["quiet"]:
        emit(output.exported(report), err=True)


@main.command()
@click.argument("text", required=False)
@click.option("--lang", type=click.Choice(LANGUAGES), required=True, help="The text's language.")
@json_option
@click.pass_obj
def analyze(obj: dict, text: str | None, lang: str, as_json: bool) -> None:
    """Print, for each word of TEXT, the keys a page in LANG is indexed under and the keys a
    search for the word looks for, like Elasticsearch's _analyze.

    The forms of one word share a key ("pašvaldībām" and "pašvaldība": pašvaldīb#a). A search
    looks in each language the word can be a word of; a verb's key has ~ (~s reflexive), an
    adverb's ends in +, and a word keyed as spelled in = (words of three letters or fewer, and
    words that do not inflect); after # the ending of the dictionary's lemma, whose root alone
    (before #) is how forms the dictionary does not list are found; "a|b": a word with two
    keys. An acronym or a short word typed is looked for as spelled.
    "folded" keys are reached only through missing diacritics. The query side uses the
    index's vocabulary and dictionaries when there is an index (see --index). Without TEXT,
    reads standard input, each line in turn (with --json, one JSON list per line: token,
    start, end, index, and query: literal, keys and folded by language).

    \b
    Examples:
      archive analyze --lang lv "Pašvaldības strādāja ar uzņēmējiem"
      archive analyze --lang lt < words.txt
    """
    from archive.analysis import analyze as keys_of
    from archive.query import query_keys
    from archive.store import Archive

    try:
        archive = Archive.open(obj["index_dir"])
    except ArchiveError:
        archive = None  # no index (yet): what the rules and dictionaries make of the words
    try:
        for line in _lines(text):
            rows = []
            for item in keys_of(line, lang):
                typed = line[item.start : item.end]
                rows.append((item, query_keys(archive, item.token, typed)))
            emit((output.word_keys_json if as_json else output.word_keys)(rows))
    finally:
        if archive is not None:
            archive.close()


@main.command()
@click.argument("text", required=False)
@json_option
def detect(text: str | None, as_json: bool) -> None:
    """Print the language of TEXT (lv, lt, en or none) and a confidence from 0 to 1.

    The detector the indexer uses for a page: letters only one language has, function words,
    how often each language uses each word (wordfreq's lists, then the Latvian, Lithuanian and
    English dictionaries) and, for words none of them knows, a character n-gram model, weighed
    together. "none" means no linguistic text: only numbers, a URL or a few names. Without
    TEXT, reads standard input and prints one result per line (with --json, one JSON object
    per line).

    \b
    Examples:
      archive detect "Pašvaldību sadarbība ar uzņēmējiem"
      archive detect --json < titles.txt
    """
    from indexer.language import page_language

    for line in _lines(text):
        emit((output.language_json if as_json else output.language)(page_language(line)))


def _lines(text: str | None):
    """TEXT, or else each line of standard input."""
    return [text] if text is not None else (line.rstrip("\n") for line in sys.stdin)


def _path_and_page(spec: str) -> tuple[str, int | None]:
    """PATH or PATH:PAGE, the path resolved as the index holds it (absolute, links followed)."""
    path, _, page = spec.rpartition(":")
    if not path or not page.isdigit():
        path, page = spec, ""
    return str(Path(path).resolve()), int(page) if page else None


@contextmanager
def opened(obj: dict):
    """The index, open for reading; an index damaged in a way its files' sizes did not give
    away is one line and exit 1, as every ArchiveError is (see `reported`)."""
    import pickle  # what Whoosh raises on damaged files, imported by it anyway
    import struct
    import zlib

    from archive.store import Archive

    try:
        archive = Archive.open(obj["index_dir"])
        if not obj["quiet"]:
            for warning in archive.warnings:
                error(warning)
        try:
            yield archive
        finally:
            archive.close()
    except (struct.error, zlib.error, pickle.UnpicklingError, EOFError) as exc:
        # A file of the index damaged in a way its size did not give away.
        raise Failed(f"the index at {obj['index_dir']} could not be read "
                     f"({type(exc).__name__}): it is damaged; `archive check` says where, "
                     "`archive index --rebuild PATH` builds it again") from exc


@main.command()
@click.argument("spec", metavar="PATH[:PAGE]")
@json_option
@click.pass_obj
def show(obj: dict, spec: str, as_json: bool) -> None:
    """Print what the index holds for a talk, or for one of its pages: the metadata, where the
    speaker came from, the languages, and the text of each page as indexed.

    \b
    Examples:
      archive show corpus/16_Cacka_Rotko_centrs.pdf
      archive show corpus/16_Cacka_Rotko_centrs.pdf:4 --json
    """
    from archive.answers import stored_file

    with opened(obj) as archive:
        found = stored_file(archive, *_path_and_page(spec))
    if as_json:
        print_json(found.to_dict())
    else:
        emit(output.stored(found))


@main.command()
@click.option("--failed", "only_failed", is_flag=True, help="Only the files that failed.")
@output_options
@click.pass_obj
def files(obj: dict, only_failed: bool, fmt: str) -> None:
    """List the files the index holds (path, pages, language, speaker, when indexed) and the
    files that failed, with the reason.

    A file that failed is read again when it changes, or by `archive index --retry-failed`.
    --json prints a list of objects (path, status "indexed" or "failed", pages, lang, speaker,
    title, talk, indexed, reason); --jsonl the same, one a line.

    \b
    Examples:
      archive files
      archive files --failed
      archive files --jsonl | jq -r 'select(.lang == "lt") | .path'
    """
    from archive.query import indexed_files

    with opened(obj) as archive:
        entries = indexed_files(archive)
    if only_failed:
        entries = [entry for entry in entries if entry.status == "failed"]
    emit(output.rows(entries, fmt, output.indexed_file))
    if not obj["quiet"] and fmt == "text":
        emit(output.files_counts(entries), err=True)


@main.command()
@click.argument("spec", metavar="PATH[:PAGE]")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1))
@output_options
@click.pass_obj
def similar(obj: dict, spec: str, limit: int, fmt: str) -> None:
    """Talks most like the talk at PATH, or like its page PAGE.

    The talk's most distinctive words are searched in every other talk; names, acronyms and
    numbers (LEAN, SODRA, ISO, a speaker's name) match across languages.

    \b
    Examples:
      archive similar corpus/01_Lencevicius_LEAN_savivaldybe.pptx
      archive similar corpus/16_Cacka_Rotko_centrs.pdf:4 --json
    """
    from archive.answers import stored_file
    from archive.query import similar as find_similar

    path, page = _path_and_page(spec)
    with opened(obj) as archive:
        stored_file(archive, path, page)  # a one-line error for what the index does not hold
        grouped = find_similar(archive, path, page, limit=limit)
    color = use_color()
    emit(output.rows(grouped.files, fmt, lambda entry: output.talk(entry, color)))


@main.command(cls=OcrCommand)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--ocr", type=click.Choice(OCR_MODES), default=None,
              help="Read pictures of text too, as `archive index --ocr` does.")
@json_option
def inspect(file: Path, ocr: str | None, as_json: bool) -> None:
    """Read FILE as indexing would, without indexing it, and print what the index would hold:
    title, speaker and where it came from, languages, and each page's text under where each
    piece came from ([body], [table], [notes], [chart], [smartart], [comment], [master],
    [annotation], [ocr]).

    \b
    Examples:
      archive inspect ~/Downloads/new-talk.pptx
      archive inspect --ocr ~/Downloads/scanned-handout.pdf
    """
    from indexer.ocr import Ocr, OcrUnavailable, check_tesseract
    from indexer.pipeline import read_as_indexed

    if ocr:
        try:
            check_tesseract()
        except OcrUnavailable as exc:
            error(str(exc))
            sys.exit(Exit.ERROR)
    doc = read_as_indexed(file.resolve(),
                          on_catalog_error=lambda exc: error(f"{display_path(exc.path)}: "
                                                             f"{exc.reason}"),
                          ocr=Ocr(every_picture=ocr == "all") if ocr else None)
    if as_json:
        print_json(doc.to_dict())
    else:
        emit(output.document(doc))


@main.command()
@json_option
@click.pass_obj
def check(obj: dict, as_json: bool) -> None:
    """Verify the index end to end: each of its files against what its last commit wrote
    (sizes and checksums), every stored page read, the vocabulary, and the record of files
    (files.json) against the index. Says what is wrong, one line each, and what fixes it;
    exits 1 when something is.

    Searches compare the files' sizes each time they open the index, and an index run the
    checksums too, so damage is found before it is read; this reads everything.
    --json prints {index, ok, problems, files, pages, checksums, rebuild_from}.

    \b
    Example:
      archive check
    """
    from archive.check import check as verify

    report = verify(obj["index_dir"])
    if as_json:
        print_json(report.to_dict())
    else:
        for problem in report.problems:
            error(problem)
        if report.ok:
            emit(output.check_sound(report))
        else:
            emit(output.check_remedy(report), err=True)
    if not report.ok:
        sys.exit(Exit.ERROR)


@main.command()
@output_options
@click.pass_obj
def speakers(obj: dict, fmt: str) -> None:
    """List each speaker once, with every spelling of the name seen, talks and languages.

    Spellings that differ in case, diacritics or the Latvian or Lithuanian ending of a name
    ("Mindaugs" and "Mindaugas", "Kucas" and "Kučas") are one person. Any of them, or a part of
    one, finds the person's talks with --speaker or speaker: in a query.

    \b
    Examples:
      archive speakers
      archive speakers --json
      archive search LEAN --speaker mindaugs
    """
    from archive.query import speakers as collect

    with opened(obj) as archive:
        people = collect(archive)
    emit(output.rows(people, fmt, output.person))


@main.command()
@json_option
@click.pass_obj
def stats(obj: dict, as_json: bool) -> None:
    """Count the indexed documents and pages, by language, speaker and format.

    A document's language is that of most of its text; "documents with pages in" counts every
    document with at least one page in a language (a Latvian deck with a Lithuanian slide
    counts for both); a page's language is its own.

    \b
    Example:
      archive stats --json
    """
    from archive.query import stats as collect

    with opened(obj) as archive:
        result = collect(archive)
    if as_json:
        print_json(result.to_dict())
    else:
        emit(output.stats(result, obj["index_dir"]))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on. Another than this machine's own (0.0.0.0, a "
              "LAN address) lets anyone who can reach it read the archive.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535),
              help="The port to listen on (0: any free one).")
@click.pass_obj
def serve(obj: dict, host: str, port: int) -> None:
    """Serve the archive as a web page, read-only, until Ctrl-C: one search box with the same
    query language and results as `archive search`, filters by language, speaker, event and
    year with counts, each talk with every slide's text and similar talks, the speakers and
    the stats; each hit opens its file (a PDF at the slide). /api/search, /api/show,
    /api/similar, /api/speakers and /api/stats answer with the JSON of the commands' --json.

    The index may be updated by `archive index` while it serves: the next request reads the
    new one.

    \b
    Examples:
      archive serve
      archive serve --port 8000
      curl 'http://127.0.0.1:8080/api/search?q=LEAN&lang=lt'
    """
    from archive.serve import is_public, make_server

    try:
        server = make_server(obj["index_dir"], host, port)
    except OSError as exc:
        raise Failed(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    if is_public(host):
        error(f"warning: listening on {host}: anyone who can reach this machine on port "
              f"{bound_port} can read the archive and its files")
    if not obj["quiet"]:
        echo(f"Serving {obj['index_dir']} at http://{shown}:{bound_port}/ (Ctrl-C stops)",
             err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
