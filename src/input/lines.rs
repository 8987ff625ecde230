//! Line framing over one reusable buffer, in the manner of ripgrep's `grep-searcher`: `memchr`
//! finds newlines in bytes not yet searched, so a line of many megabytes costs one pass over its
//! bytes (the buffer doubles, nothing is searched twice), and ordinary lines are never copied.

use memchr::memchr;
use std::io::{self, Read};

const INITIAL: usize = 64 * 1024;

pub struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    /// Start of the unconsumed bytes.
    start: usize,
    /// End of the bytes read so far.
    end: usize,
    /// Bytes before this offset hold no newline.
    searched: usize,
    eof: bool,
    line_no: u64,
    bytes: u64,
}

impl<R: Read> LineReader<R> {
    /// Frames lines of a stream that starts after `lines_before` lines of its file (when the
    /// reading was seeked to the window), so that numbers stay those of the file.
    pub fn starting_at(inner: R, lines_before: u64) -> Self {
        LineReader {
            line_no: lines_before,
            ..LineReader::new(inner)
        }
    }

    pub fn new(inner: R) -> Self {
        LineReader {
            inner,
            buf: vec![0; INITIAL],
            start: 0,
            end: 0,
            searched: 0,
            eof: false,
            line_no: 0,
            bytes: 0,
        }
    }

    /// Bytes consumed so far, newlines included.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The next line without its `\n` or `\r\n`, with its 1-based number. An I/O error (a
    /// truncated gzip member, say) ends the stream; the lines before it have been delivered.
    pub fn next_line(&mut self) -> io::Result<Option<(u64, &[u8])>> {
        loop {
            if let Some(i) = memchr(b'\n', &self.buf[self.searched..self.end]) {
                let nl = self.searched + i;
                let line_start = self.start;
                self.start = nl + 1;
                self.searched = self.start;
                return Ok(Some(self.emit(line_start, nl, 1)));
            }
            self.searched = self.end;
            if self.eof {
                if self.start < self.end {
                    let (s, e) = (self.start, self.end);
                    self.start = e;
                    return Ok(Some(self.emit(s, e, 0)));
                }
                return Ok(None);
            }
            self.fill()?;
        }
    }

    fn emit(&mut self, start: usize, end: usize, newline: u64) -> (u64, &[u8]) {
        self.line_no += 1;
        self.bytes += (end - start) as u64 + newline;
        let mut line = &self.buf[start..end];
        if let [rest @ .., b'\r'] = line {
            line = rest;
        }
        (self.line_no, line)
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.searched -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.eof = true;
                    return Err(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(input: &[u8]) -> Vec<(u64, Vec<u8>)> {
        let mut r = LineReader::new(input);
        let mut out = Vec::new();
        while let Some((n, l)) = r.next_line().expect("read") {
            out.push((n, l.to_vec()));
        }
        out
    }

    #[test]
    fn crlf_and_missing_final_newline() {
        let lines = frame(b"a\r\nb\n\nc");
        assert_eq!(
            lines,
            vec![
                (1, b"a".to_vec()),
                (2, b"b".to_vec()),
                (3, b"".to_vec()),
                (4, b"c".to_vec())
            ]
        );
    }

    #[test]
    fn long_line_spanning_many_buffers() {
        let mut input = vec![b'x'; 5 * INITIAL + 17];
        input.push(b'\n');
        input.extend_from_slice(b"tail\n");
        let lines = frame(&input);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].1.len(), 5 * INITIAL + 17);
        assert_eq!(lines[1].1, b"tail");
    }

    #[test]
    fn counts_bytes_consumed() {
        let mut r = LineReader::new(&b"ab\ncd"[..]);
        while r.next_line().expect("read").is_some() {}
        assert_eq!(r.bytes(), 5);
    }
}
