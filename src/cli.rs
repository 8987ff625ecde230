//! The command line of CONTRACT.md, parsed into pipeline [`Options`].

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use reconstruct::config::Config;
use reconstruct::correlate::Settings;
use reconstruct::emit::{json, markdown, timesketch};
use reconstruct::input::clickhouse::Credentials;
use reconstruct::pipeline::{Options, WindowTime};
use reconstruct::time::{read_date, read_duration, read_zone, Nanos, Zone};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

/// Draft the Timeline section of a postmortem from the logs an incident left.
///
/// Reads application, access, syslog, alert and deploy logs in whatever formats they come in,
/// merges them around the outage window and prints a Markdown timeline in which every entry
/// cites the file and line it came from.
#[derive(Debug, Parser)]
#[command(
    name = "reconstruct",
    version,
    max_term_width = 100,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Log files or directories (walked recursively, in sorted order); `-` for standard input.
    /// Gzip and zstd files are read transparently.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Start of the outage window: HH:MM, HH:MM:SS, YYYY-MM-DD HH:MM[:SS], RFC 3339 with an
    /// offset, or relative to now: -2h, -90m, now. Without it the window starts with the logs.
    #[arg(long, value_name = "TIME", value_parser = window_time, allow_hyphen_values = true)]
    pub from: Option<WindowTime>,

    /// End of the outage window (same forms as --from). Earlier than --from on the same day
    /// means the window crosses midnight. Without it the window ends with the logs.
    #[arg(long, value_name = "TIME", value_parser = window_time, allow_hyphen_values = true)]
    pub to: Option<WindowTime>,

    /// The window starts this long before now (--since 3h is --from -3h), for a run right
    /// after an incident.
    #[arg(long, value_name = "DURATION", value_parser = read_duration, conflicts_with = "from")]
    pub since: Option<Nanos>,

    /// The day for window times given without one. Without it the day comes from the logs.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = read_date)]
    pub date: Option<NaiveDate>,

    /// Zone for window times, for log timestamps without one, and for every time printed:
    /// an IANA name (Europe/Berlin), an offset (+01:00, -0700) or UTC.
    #[arg(long, value_name = "ZONE", default_value = "UTC", value_parser = read_zone)]
    pub tz: Zone,

    /// How far before --from to look for the changes that may have triggered the outage and
    /// for the errors that were already there.
    #[arg(long, value_name = "DURATION", default_value = "2h", value_parser = read_duration)]
    pub lookback: Nanos,

    /// How far after --to to look for the closures of what opened in the window (alert
    /// resolutions, recoveries, the end of a fix or rollback); they are drafted and marked as
    /// after the window. 0 looks at nothing after --to.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = read_duration)]
    pub lookahead: Nanos,

    /// Output format.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = FormatArg::Markdown)]
    pub format: FormatArg,

    /// Print every event in the window, in time order, instead of the draft.
    #[arg(long)]
    pub events: bool,

    /// Year for timestamps that carry none (syslog `Oct 11 14:00:01`). Default: inferred from
    /// the dated logs, else from each file's modification time.
    #[arg(long, value_name = "YYYY", value_parser = clap::value_parser!(i32).range(1678..=2261))]
    pub year: Option<i32>,

    /// Longest draft, in entries.
    #[arg(long, value_name = "N", default_value_t = 25, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_entries: u32,

    /// An HTTP request slower than this counts as affected in the impact figure.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = read_duration)]
    pub slow: Nanos,

    /// Write to FILE instead of standard output (with --incidents: the directory for the drafts).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print errors only, no warnings.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print how each file was read (format, lines, events, unparsed).
    #[arg(short, long)]
    pub verbose: bool,

    /// Print on standard error what became of every line, per file: parsed, outside the
    /// window, continuation, blank, or unparsed and why.
    #[arg(long)]
    pub stats: bool,

    /// Exit 1 (after writing the output) if any line in the window or its look-back could not
    /// be parsed.
    #[arg(long)]
    pub strict: bool,

    /// Keep reading the files as they grow (and as they are rotated), printing each new draft
    /// entry as it becomes known; Ctrl-C ends it with the summary. Markdown only.
    #[arg(long, conflicts_with_all = ["events", "stats", "strict"])]
    pub follow: bool,

    /// Draft every incident of a TOML list (name, from, to, zone, paths) into its own file
    /// in the directory given by -o, reading each shared log once.
    #[arg(long, value_name = "FILE", requires = "output",
          conflicts_with_all = ["from", "to", "since", "date", "follow", "stats", "strict"])]
    pub incidents: Option<PathBuf>,

    /// Site configuration (custom line formats, services, deploy and alert sources, silenced
    /// templates). Default: reconstruct.toml in the first directory PATH that has one (with
    /// --incidents: beside the list).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Count the lines before the window of a large file anew instead of reading their
    /// numbers from the line index kept between runs (in $XDG_CACHE_HOME/reconstruct, else
    /// ~/.cache/reconstruct), and keep no index.
    #[arg(long)]
    pub no_index: bool,

    /// Colour the Markdown draft: `auto` when standard output is a terminal.
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

/// Helpers around the tool (a directory named like one is read as `./man`).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a completion script for a shell: `reconstruct completions bash > /etc/bash_completion.d/reconstruct`.
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff): `reconstruct man > reconstruct.1`.
    Man,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Markdown,
    Json,
    Timesketch,
    /// One self-contained page: the chart above the draft.
    Html,
    /// The chart alone.
    Svg,
}

impl Cli {
    /// How the draft is built from the events.
    pub fn settings(&self) -> Settings {
        Settings {
            max_entries: self.max_entries as usize,
            slow: self.slow,
        }
    }

    /// The run's options: what the command line says, with `reconstruct.toml`'s `config` and
    /// the line index's place `index` (`None` with `--no-index`).
    pub fn options(
        &self,
        config: Arc<Config>,
        index: Option<PathBuf>,
        credentials: Credentials,
    ) -> Options {
        Options {
            config,
            index,
            credentials,
            paths: self.paths.clone(),
            from: self.from.or_else(|| {
                Some(WindowTime::Exact(
                    reconstruct::time::now().checked_sub(self.since?)?,
                ))
            }),
            to: self.to,
            date: self.date,
            zone: self.tz,
            lookback: self.lookback,
            lookahead: self.lookahead,
            year: self.year,
            all_events: self.events,
            event_fields: self.format != FormatArg::Markdown,
            slow: self.slow,
            progress: (!self.quiet && std::io::stderr().is_terminal()).then(progress_bar),
            render: self.events.then_some(match self.format {
                // --events refuses the chart's formats before any run (see main).
                FormatArg::Markdown | FormatArg::Html | FormatArg::Svg => markdown::event_line,
                FormatArg::Json => json::event_line,
                FormatArg::Timesketch => timesketch::event_line,
            }),
        }
    }
}

fn window_time(s: &str) -> Result<WindowTime, String> {
    WindowTime::parse(s, reconstruct::time::now())
}

/// Files done, bytes, rate: drawn on standard error for a large input read at a terminal.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new(0);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {elapsed:>4} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
