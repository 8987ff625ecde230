//! The window's rows as they stream in, one JSON object a line. A server that fails part-way
//! has already sent `200 OK`: it appends its exception to the stream as text. That text, and
//! a stream that stops inside a row (a dropped connection), are read errors here, never the
//! end of the data.

use super::{exception_text, ClickHouseError};
use std::io::{self, Read};

/// A stream of rows, handed on line by line: only complete rows pass, so what the reader
/// reads before an error is whole.
pub struct Rows {
    inner: Box<dyn Read + Send>,
    /// Bytes read and not yet handed on: complete rows from `start`, then a row in progress.
    buffer: Vec<u8>,
    start: usize,
    /// Where the complete rows end.
    complete: usize,
    /// The first failure, given once the rows before it are read.
    failed: Option<io::Error>,
    ended: bool,
    /// Bytes received, for the run's statistics.
    received: u64,
    /// What each read fills, before its bytes join `buffer`: filled once, not zeroed anew
    /// for every read.
    scratch: Vec<u8>,
}

/// How much the server's exception text is read, at most.
const MAX_EXCEPTION: u64 = 64 << 10;

impl Rows {
    pub fn new(inner: impl Read + Send + 'static) -> Rows {
        Rows {
            inner: Box::new(inner),
            buffer: Vec::new(),
            start: 0,
            complete: 0,
            failed: None,
            ended: false,
            received: 0,
            scratch: vec![0; 64 << 10],
        }
    }

    /// Bytes received from the server so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Reads more from the server until there are complete rows to hand on, the stream ends,
    /// or it fails.
    fn fill(&mut self) {
        while self.complete == self.start && !self.ended && self.failed.is_none() {
            self.buffer.drain(..self.start);
            self.complete = 0;
            self.start = 0;
            let old = self.buffer.len();
            let n = match self.inner.read(&mut self.scratch) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.failed = Some(dropped(&e.to_string()));
                    return;
                }
            };
            self.buffer.extend_from_slice(&self.scratch[..n]);
            self.received += n as u64;
            if n == 0 {
                self.ended = true;
            }
            self.scan(old);
        }
    }

    /// Marks the complete rows from `from` on; text that is not a row is the server's
    /// exception, which ends the stream.
    fn scan(&mut self, from: usize) {
        let mut at = self.complete;
        let search_from = from.max(at);
        let mut ends = memchr::memchr_iter(b'\n', &self.buffer[search_from..]);
        loop {
            // A row opens with `{`: anything else where a row should start is the exception,
            // as is the object newer servers write it in (`{"exception": "Code: …"}`).
            let opening = &self.buffer[at..];
            if !opening.is_empty() && (opening[0] != b'{' || opening.starts_with(b"{\"exception\""))
            {
                let mut text = opening.to_vec();
                let _ = (&mut self.inner).take(MAX_EXCEPTION).read_to_end(&mut text);
                self.buffer.truncate(at);
                self.failed = Some(server_failed(&String::from_utf8_lossy(&text)));
                break;
            }
            match ends.next() {
                Some(end) => at = search_from + end + 1,
                None => break,
            }
        }
        self.complete = at;
        if self.ended && self.failed.is_none() && self.complete < self.buffer.len() {
            self.buffer.truncate(self.complete);
            self.failed = Some(dropped("the stream ended inside a row"));
        }
    }
}

impl Read for Rows {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        self.fill();
        if self.complete > self.start {
            let n = out.len().min(self.complete - self.start);
            out[..n].copy_from_slice(&self.buffer[self.start..self.start + n]);
            self.start += n;
            return Ok(n);
        }
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(0),
        }
    }
}

fn dropped(why: &str) -> io::Error {
    io::Error::other(ClickHouseError::server(
        format!("the connection dropped mid-stream ({why})"),
        "the rows before it were read; run again for the rest",
    ))
}

fn server_failed(text: &str) -> io::Error {
    io::Error::other(ClickHouseError::server(
        format!("the server failed mid-stream: {}", exception_text(text)),
        "the rows before it were read; check the server's log, then run again",
    ))
}
