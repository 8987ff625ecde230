//! A ClickHouse table read as an input: its columns checked, its span asked, then the rows of
//! what the pass reaches streamed through the same parser as a file's lines, in the row
//! format. Everything that goes wrong is one diagnostic naming the table's address; the other
//! inputs are read regardless.

use super::read::{feed, settle};
use super::sink::Sink;
use super::{Diagnostic, FileResult, Problem, Reach, Setup};
use crate::format::Format;
use crate::input::clickhouse::{ClickHouseError, Connection, Table};
use crate::input::{Input, LineReader};
use crate::time::Nanos;

/// Reads `table` as far as `reach` into `sink`: a window's rows only (the server filters
/// them), or all.
pub(super) fn read(
    input: &Input,
    table: &Table,
    setup: &Setup,
    in_range: &mut dyn FnMut(Nanos) -> bool,
    reach: Reach,
    sink: &mut dyn Sink,
) -> FileResult {
    let address = table.address();
    let result = FileResult::nothing_yet(format!("queried {address}"));
    let failed = |mut result: FileResult, e: ClickHouseError| {
        result.warning = Some(remote(&address, &e));
        result.skipped = Some("cannot read".into());
        result
    };
    let connection = match Connection::new(table, &setup.credentials) {
        Ok(c) => c,
        Err(e) => return failed(result, e),
    };
    let schema = match connection.schema(&setup.config.clickhouse) {
        Ok(s) => s,
        Err(e) => return failed(result, e),
    };
    let untimed = match connection.untimed(&schema) {
        Ok(n) => n,
        Err(e) => return failed(result, e),
    };
    let (from, to) = match reach {
        Reach::Window(lo, hi) | Reach::Ordered(lo, hi) => (Some(lo), Some(hi)),
        Reach::All | Reach::Head(_) => (None, None),
    };
    let rows = match connection.rows(&schema, from, to) {
        Ok(r) => r,
        Err(e) => return failed(result, e),
    };
    let path = &input.display;
    let mut lines = LineReader::starting_at(rows, 0);
    let mut parser = setup.parser(path, in_range, sink).with_format(Format::Row);
    let read = feed(
        &mut lines,
        &mut parser,
        sink,
        path,
        |n| matches!(reach, Reach::Head(m) if n >= m),
    );
    let bytes = lines.bytes();
    let mut result = settle(result, parser.finish(), None, 0, path);
    result.bytes = bytes;
    result.warning = warning(&address, read.err(), &result, untimed);
    sink.finish(&mut result, path);
    result
}

/// The one thing to say of a table read: the stream broken off (the rows before it kept),
/// else rows the parser could not read (a null time or body), else rows with no time at all,
/// which no window query returns.
fn warning(
    address: &str,
    read_error: Option<std::io::Error>,
    result: &FileResult,
    untimed: u64,
) -> Option<Diagnostic> {
    if let Some(e) = read_error {
        let e = match e
            .get_ref()
            .and_then(|e| e.downcast_ref::<ClickHouseError>())
        {
            Some(e) => e.clone(),
            None => ClickHouseError::Server {
                what: format!("the connection dropped mid-stream ({e})"),
                hint: "the rows before it were read; run again for the rest".into(),
            },
        };
        return Some(remote(address, &e));
    }
    let c = &result.counts;
    if c.unrecognised > 0 {
        return Some(Diagnostic::at(
            address,
            None,
            Problem::NullRows {
                rows: c.unrecognised,
                untimed: false,
            },
        ));
    }
    (untimed > 0).then(|| {
        Diagnostic::at(
            address,
            None,
            Problem::NullRows {
                rows: untimed,
                untimed: true,
            },
        )
    })
}

fn remote(address: &str, e: &ClickHouseError) -> Diagnostic {
    Diagnostic::at(
        address,
        None,
        Problem::Remote {
            what: e.what(),
            hint: e.hint(),
        },
    )
}

/// The first and last time of a table's rows, for the window's day; `None` when it cannot
/// be asked (the real read reports why).
pub(super) fn span(table: &Table, setup: &Setup) -> Option<(Nanos, Nanos)> {
    let connection = Connection::new(table, &setup.credentials).ok()?;
    let schema = connection.schema(&setup.config.clickhouse).ok()?;
    let span = connection.span(&schema).ok()?;
    Some((span.first?, span.last?))
}
