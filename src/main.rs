//! `reconstruct`: argument parsing, output and exit codes. The work is in the library.

mod cli;

use clap::{CommandFactory, Parser};
use cli::{Cli, ColorArg, Command, FormatArg};
use reconstruct::config::{self, Config};
use reconstruct::correlate::build;
use reconstruct::emit::{self, chart, html, json, markdown, timesketch};
#[cfg(unix)]
use reconstruct::input::clickhouse::Credentials;
use reconstruct::input::line_index;
use reconstruct::input::reason;
use reconstruct::pipeline::incidents::load;
use reconstruct::pipeline::{follow, run, run_all, Diagnostic, Live, Options, Run, RunError};
use reconstruct::time::Zone;
use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

/// mimalloc (its 2.x line) rather than the system allocator: each worker builds and drops an
/// event per line of the window, and glibc's arenas gave those pages back to the kernel and
/// faulted them in again (the 3.x line was slower than glibc on gzip rotations; commit
/// 8b04a24 has the figures). Its transparent huge pages stay on: without them the peak is
/// lower and the indexed window slower.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: u8 = 2;
const FAILURE: u8 = 1;
/// The output's buffer: an event stream is tens of megabytes, which std's 8 KiB default wrote
/// in thousands of system calls.
const OUT_BUFFER: usize = 1 << 16;

fn error(what: impl std::fmt::Display) {
    eprintln!("reconstruct: error: {what}");
}

/// Clap's error as the one line of CONTRACT.md: a bad value names the option and our hint
/// (`'25:00' is not a time (--from): use HH:MM, …`); anything else points at `--help`.
fn usage_line(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue};
    let arg = match e.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(a)) => a.split(' ').next().unwrap_or(a).to_string(),
        Some(ContextValue::Strings(missing)) => {
            return format!(
                "{} is needed here (command line): see reconstruct --help",
                missing.join(", ")
            );
        }
        _ => String::new(),
    };
    if let (Some(source), false) = (std::error::Error::source(e), arg.is_empty()) {
        let message = source.to_string();
        let (what, hint) = message
            .split_once(": ")
            .unwrap_or((&message, "see reconstruct --help"));
        return format!("{what} ({arg}): {hint}");
    }
    let rendered = e.to_string();
    let first = rendered
        .lines()
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ");
    format!("{first} (command line): see reconstruct --help")
}

/// Completions and the man page, generated from the same definitions as `--help`.
fn helper(command: &Command) -> ExitCode {
    let mut definition = Cli::command();
    let mut out = io::stdout().lock();
    let written = match command {
        // Into memory first: the generator panics on a write error (a closed pipe).
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut definition, "reconstruct", &mut script);
            out.write_all(&script)
        }
        Command::Man => clap_mangen::Man::new(definition).render(&mut out),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            error(format!("cannot write (standard output): {}", reason(&e)));
            ExitCode::from(FAILURE)
        }
    }
}

/// `--follow`: the live draft, until Ctrl-C.
fn live(cli: &Cli, options: &Options) -> ExitCode {
    if cli.format != FormatArg::Markdown {
        error("--follow prints the Markdown draft (command line): drop --format, or run without --follow for JSON");
        return ExitCode::from(USAGE);
    }
    let (mut out, target) = match output(cli) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let live = Live {
        settings: cli.settings(),
        color: colour(cli),
        poll: std::time::Duration::from_millis(500),
    };
    let quiet = cli.quiet;
    let mut warn = |w: &Diagnostic| {
        if !quiet {
            eprintln!("reconstruct: {}: {w}", w.severity());
        }
    };
    match follow(options, &live, &mut out, &mut warn) {
        Ok(()) => ExitCode::SUCCESS,
        Err(RunError::Follow(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(RunError::Follow(e)) => {
            error(format!("cannot write ({target}): {}", reason(&e)));
            ExitCode::from(FAILURE)
        }
        Err(e) => {
            error(&e);
            ExitCode::from(if e.is_usage() { USAGE } else { FAILURE })
        }
    }
}

/// Where the output goes (`-o`, else standard output), buffered, and its name for errors.
fn output(cli: &Cli) -> Result<(Box<dyn Write>, String), ExitCode> {
    match &cli.output {
        Some(path) => match File::create(path) {
            Ok(f) => Ok((
                Box::new(BufWriter::with_capacity(OUT_BUFFER, f)),
                path.display().to_string(),
            )),
            Err(e) => {
                error(format!("cannot write ({}): {}", path.display(), reason(&e)));
                Err(ExitCode::from(FAILURE))
            }
        },
        None => Ok((
            Box::new(BufWriter::with_capacity(OUT_BUFFER, io::stdout().lock())),
            "standard output".to_string(),
        )),
    }
}

/// Whether the Markdown draft is coloured: asked for, or printed to a terminal.
fn colour(cli: &Cli) -> bool {
    match cli.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => cli.output.is_none() && io::stdout().is_terminal(),
    }
}

/// The draft (or the event stream) of a run, in the format asked for.
fn write(cli: &Cli, result: &Run, zone: Zone, out: &mut dyn Write, colour: bool) -> io::Result<()> {
    if cli.events {
        return result.write_stream(out);
    }
    let settings = cli.settings();
    let mut timeline = build(result.events(), &result.requests, result.window, settings);
    timeline.clocks.splice(0..0, result.clocks.iter().cloned());
    let lanes = || {
        let w = result.window;
        chart::lanes(
            result.events(),
            &result.traffic,
            w.lookback,
            w.to.max(w.ahead),
        )
    };
    match cli.format {
        FormatArg::Json => json::draft(out, &timeline, &zone, &result.stats),
        FormatArg::Timesketch => timesketch::draft(out, &timeline, &zone),
        FormatArg::Markdown => markdown::draft(out, &timeline, &zone, settings.max_entries, colour),
        FormatArg::Html => html::page(
            out,
            &timeline,
            (&lanes(), &result.series),
            &zone,
            settings.max_entries,
        ),
        FormatArg::Svg => html::svg(out, &timeline, (&lanes(), &result.series), &zone),
    }
}

/// `--incidents`: one draft per incident of the list, each in its own file of the `-o`
/// directory, whose paths are printed as they are written.
fn batch(cli: &Cli, options: &Options, list: &Path, dir: &Path) -> ExitCode {
    let incidents = match load(list, options, reconstruct::time::now()) {
        Ok(i) => i,
        Err(e) => {
            error(&e);
            return ExitCode::from(USAGE);
        }
    };
    if let Err(e) = fs::create_dir_all(dir) {
        error(format!("cannot write ({}): {}", dir.display(), reason(&e)));
        return ExitCode::from(FAILURE);
    }
    let extension = match (cli.format, cli.events) {
        (FormatArg::Markdown, _) => "md",
        (FormatArg::Json, false) => "json",
        (FormatArg::Json, true) | (FormatArg::Timesketch, _) => "jsonl",
        (FormatArg::Html, _) => "html",
        (FormatArg::Svg, _) => "svg",
    };
    let options: Vec<_> = incidents.iter().map(|i| i.options.clone()).collect();
    let mut warned = HashSet::new();
    let mut failed = false;
    for (incident, result) in incidents.iter().zip(run_all(&options)) {
        let (warnings, result) = match result {
            Ok(r) => (r.warnings.clone(), Ok(r)),
            Err(e) => (e.warnings().to_vec(), Err(e)),
        };
        // Incidents that share a file share its warnings: each is printed once.
        for w in warnings {
            if !cli.quiet && warned.insert(w.clone()) {
                eprintln!("reconstruct: {}: {w}", w.severity());
            }
        }
        let result = match result {
            Ok(r) => r,
            Err(e) => {
                error(format!("incident '{}': {e}", incident.name));
                failed = true;
                continue;
            }
        };
        if cli.verbose {
            for n in &result.notes {
                eprintln!("reconstruct: {}: {n}", incident.name);
            }
        }
        let path = dir.join(format!("{}.{extension}", incident.stem));
        let written = File::create(&path).and_then(|f| {
            let mut out = BufWriter::new(f);
            let colour = cli.color == ColorArg::Always;
            write(cli, &result, incident.options.zone, &mut out, colour)?;
            out.flush()
        });
        match written {
            Ok(()) => println!("{}", path.display()),
            Err(e) => {
                error(format!("cannot write ({}): {}", path.display(), reason(&e)));
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::from(FAILURE)
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            error(usage_line(&e));
            return ExitCode::from(USAGE);
        }
    };
    if let Some(command) = &cli.command {
        return helper(command);
    }
    let found = match (&cli.config, &cli.incidents) {
        (Some(path), _) => Some(path.clone()),
        (None, Some(list)) => Some(list.with_file_name(config::FILE_NAME)).filter(|p| p.is_file()),
        (None, None) => config::find(&cli.paths),
    };
    let config = match found.map(|path| Config::load(&path)) {
        None => Config::default(),
        Some(Ok(config)) => config,
        Some(Err(e)) => {
            error(&e);
            return ExitCode::from(USAGE);
        }
    };
    let index = (!cli.no_index).then(line_index::default_dir).flatten();
    // Read here, at the edge, and passed down: never from the command line, never printed.
    let credentials = Credentials {
        user: std::env::var("CLICKHOUSE_USER").ok(),
        password: std::env::var("CLICKHOUSE_PASSWORD").ok(),
    };
    let options = cli.options(Arc::new(config), index, credentials);
    if cli.events && matches!(cli.format, FormatArg::Html | FormatArg::Svg) {
        error("--events prints events, and html and svg draw the draft's chart (command line): use --format markdown, json or timesketch with --events");
        return ExitCode::from(USAGE);
    }
    if let (Some(list), Some(dir)) = (&cli.incidents, &cli.output) {
        return batch(&cli, &options, list, dir);
    }
    if cli.paths.is_empty() {
        error(
            "no PATH given (command line): name log files or directories, or - for standard input",
        );
        return ExitCode::from(USAGE);
    }
    if cli.follow {
        return live(&cli, &options);
    }
    let result = match run(&options) {
        Ok(r) => r,
        Err(e) => {
            if !cli.quiet {
                for w in e.warnings() {
                    eprintln!("reconstruct: {}: {w}", w.severity());
                }
            }
            error(&e);
            return ExitCode::from(if e.is_usage() { USAGE } else { FAILURE });
        }
    };
    if !cli.quiet {
        for w in &result.warnings {
            eprintln!("reconstruct: {}: {w}", w.severity());
        }
    }
    if cli.verbose {
        for n in &result.notes {
            eprintln!("reconstruct: {n}");
        }
    }
    let (mut out, target) = match output(&cli) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let written = write(&cli, &result, cli.tz, &mut out, colour(&cli));
    if cli.stats {
        // Standard error is the terminal's or the log's: a failed write there has nowhere to go.
        let _ = emit::stats::table(&mut io::stderr().lock(), &result.stats);
    }
    let unparsed = cli
        .strict
        .then(|| result.stats.first_unparsed_in_range())
        .flatten();
    match (written.and_then(|()| out.flush()), unparsed) {
        (Ok(()), Some((path, line))) => {
            error(format!(
                "{} lines in the window or its look-back could not be parsed ({path}:{line}): --stats shows them by file; drop --strict to accept them",
                result.stats.totals.unparsed_in_range
            ));
            ExitCode::from(FAILURE)
        }
        (Ok(()), None) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        (Err(e), _) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        (Err(e), _) => {
            error(format!("cannot write ({target}): {}", reason(&e)));
            ExitCode::from(FAILURE)
        }
    }
}
