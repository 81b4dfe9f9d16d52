//! The `tickmark` binary: parse arguments, run the command, print, exit 0/1/2.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use tickmark::cli::{Cli, Command};
use tickmark::commands::check::{self, CheckOptions};
use tickmark::report::human::{Style, Verbosity};

fn main() -> ExitCode {
    #[cfg(feature = "parquet")]
    {
        // A damaged Parquet file's panic in the `parquet` crate is told as a diagnostic, not printed.
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !tickmark::data::parquet::quiet() {
                default(info)
            }
        }));
    }
    let worker = std::thread::Builder::new().stack_size(tickmark::limits::STACK_BYTES).spawn(run);
    match worker.map(|handle| handle.join()) {
        Ok(Ok(code)) => code,
        _ => {
            // `eprintln!` would panic again where stderr cannot be written (`2>/dev/full`): exit 101.
            let message =
                "error: tickmark stopped on an internal error; please report it with the input that caused it";
            let _ = writeln!(std::io::stderr(), "{message}");
            ExitCode::from(2)
        }
    }
}

/// Parses the arguments, runs the command, prints its output and returns its exit code.
fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
            // A program that asked for a document (`check --format json`) gets one carrying the error.
            let document = e.use_stderr().then(|| check::argument_error(&args[1..], &e.render().to_string(), style()));
            if let Some(output) = document.flatten() {
                return match print(&output) {
                    Ok(()) => ExitCode::from(2),
                    Err(e) => report_lost(&e, 2),
                };
            }
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let output = match cli.command {
        Command::Check(args) => {
            let opts = CheckOptions {
                only: args.only,
                conflicts: args.conflicts,
                timings: args.timings,
                no_data: args.no_data,
                preparer: args.preparer,
                inputs: args.inputs,
                format: args.format,
                deny_warnings: args.deny.contains(&check::Deny::Warnings),
                deny_borderline: args.deny.contains(&check::Deny::Borderline),
                at: args.at,
                rules: args.rule,
                style: style(),
                verbosity: match (args.quiet, args.verbose) {
                    (true, _) => Verbosity::Quiet,
                    (_, true) => Verbosity::Verbose,
                    _ => Verbosity::Normal,
                },
            };
            if !matches!(opts.format, check::Format::Json | check::Format::Jsonl | check::Format::Csv) {
                check::check(&opts)
            } else {
                // Streamed: these reports hold no colour to take out, and may hold millions of checks
                // (a CSV report escapes its fields itself, JSON is guarded as it goes).
                let stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
                let mut stdout = tickmark::escape::JsonGuard::new(stdout);
                let (output, written) = check::check_into(&opts, &mut stdout);
                if let Err(e) = written.and_then(|()| stdout.flush()) {
                    return report_lost(&e, output.code);
                }
                output
            }
        }
        Command::Explain(args) => tickmark::commands::explain::run(args, style()),
        Command::Eval(args) => tickmark::commands::eval::run(args, style()),
        Command::Sheet(args) => tickmark::commands::sheet::run(args, style()),
        Command::Fmt(args) => tickmark::commands::fmt::run(args, style()),
        Command::Test(args) => tickmark::commands::test::run(args, style()),
        Command::Init(args) => tickmark::commands::init::run(args, style()),
        Command::Import(args) => tickmark::commands::import::run(args, style()),
        Command::Lsp => tickmark::commands::lsp::run(),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "tickmark", &mut script);
            tickmark::commands::Output::ok(String::from_utf8_lossy(&script).into_owned())
        }
    };
    match print(&output) {
        Ok(()) => ExitCode::from(output.code as u8),
        Err(e) => report_lost(&e, output.code),
    }
}

/// The exit code when the report could not be written: 2, except for a reader that stopped early
/// (`| head`), which took what it wanted (`code` is then the run's own exit code).
fn report_lost(e: &std::io::Error, code: i32) -> ExitCode {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return ExitCode::from(code as u8);
    }
    // stderr may be lost too (`>/dev/full 2>/dev/full`): the exit code still says so.
    let _ = writeln!(std::io::stderr(), "error: the report could not be written: {e}");
    ExitCode::from(2)
}

/// Colour only on a terminal, never with `NO_COLOR` nor on a `TERM=dumb` one. Commands draw in colour
/// when either stream is a terminal; [`print`] then takes the colour out of the stream that is not.
fn style() -> Style {
    let terminal = std::io::stdout().is_terminal() || std::io::stderr().is_terminal();
    let color = colour(terminal, std::env::var_os("NO_COLOR").as_deref(), std::env::var_os("TERM").as_deref());
    Style { color, ..Style::default() }
}

/// Whether to draw in colour: on a terminal, unless `NO_COLOR` is set (to anything but nothing) or
/// `TERM` is `dumb` (a terminal that shows escape sequences as text).
fn colour(terminal: bool, no_color: Option<&std::ffi::OsStr>, term: Option<&std::ffi::OsStr>) -> bool {
    terminal && no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

/// Writes a command's output, each stream in colour only where it is a terminal; an error writing
/// the report (a full disk) is returned, so that a lost report never ends in exit code 0. Nothing
/// but colour and layout reaches a stream raw: every other control character is escaped (`\u{1b}`).
fn print(output: &tickmark::commands::Output) -> std::io::Result<()> {
    let colour = style().color;
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(shown(&output.stdout, colour && std::io::stdout().is_terminal()).as_bytes())
        .and_then(|()| stdout.flush());
    let _ = std::io::stderr().write_all(shown(&output.stderr, colour && std::io::stderr().is_terminal()).as_bytes());
    written
}

/// Text as written to a stream: with its colour where the stream shows colour, else without, and
/// with every other control character escaped ([`tickmark::escape::guard_text`]).
fn shown(text: &str, colour: bool) -> std::borrow::Cow<'_, str> {
    if colour || !text.contains('\u{1b}') {
        tickmark::escape::guard_text(text, colour)
    } else {
        tickmark::escape::guard_text(&strip_colour(text), false).into_owned().into()
    }
}

/// Text without the colour sequences tickmark draws (`ESC [ 1 ; 31 m`); any other escape sequence is
/// left for [`shown`] to escape.
fn strip_colour(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match tickmark::escape::colour_sequence(rest) {
            Some(len) => rest = &rest[len..],
            None => {
                out.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::colour;
    use std::ffi::OsStr;

    #[test]
    fn colour_only_on_a_terminal_without_no_color_that_is_not_dumb() {
        let some = |s: &'static str| Some(OsStr::new(s));
        assert!(colour(true, None, some("xterm-256color")));
        assert!(colour(true, some(""), None), "an empty NO_COLOR is not set");
        assert!(!colour(false, None, some("xterm")), "not a terminal");
        assert!(!colour(true, some("1"), some("xterm")), "NO_COLOR");
        assert!(!colour(true, None, some("dumb")), "TERM=dumb");
    }
}
