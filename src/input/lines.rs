//! Line framing over one reusable buffer, in the manner of ripgrep's `grep-searcher`: the last
//! newline of the bytes read is found in bytes not yet searched, so a line of many megabytes is
//! searched once while it is read (the buffer doubles), and ordinary lines are never copied.
//!
//! The complete lines before that newline are then handed out together as a block, checked
//! once: valid UTF-8 without NUL or escape bytes (the rule in logs) is handed out as text, so
//! that no line pays a check of its own. The lines of a block that fails the check are handed
//! out as bytes, for the parser to mend. Each byte of a block is read a fixed number of times:
//! by the check, and by the search for the newlines that cut it into lines.

use memchr::{memchr, memchr2, memrchr};
use std::io::{self, Read};
use std::ops::ControlFlow;

const INITIAL: usize = 64 * 1024;
/// The longest line handed out whole. A longer one (a sparse file's hole of many gigabytes, a
/// runaway writer) is handed out cut at this length and the rest of it passed over unread into
/// memory: messages are cut far shorter, and a line of gigabytes would hold as much memory.
const MAX_LINE: usize = 64 << 20;

/// One line without its `\n` or `\r\n`.
pub enum Line<'a> {
    /// Valid UTF-8 holding no NUL and no escape byte.
    Text(&'a str),
    /// Anything else, as read.
    Bytes(&'a [u8]),
}

impl<'a> Line<'a> {
    /// The line's bytes, whichever way it came: for what needs no text (a blank line's test,
    /// a detection sample kept as read).
    pub fn bytes(&self) -> &'a [u8] {
        match self {
            Line::Text(s) => s.as_bytes(),
            Line::Bytes(b) => b,
        }
    }
}

/// `bytes` as text, when they are valid UTF-8 holding no NUL and no escape byte.
#[inline]
fn text(bytes: &[u8]) -> Option<&str> {
    match memchr2(0, 0x1b, bytes) {
        None => simdutf8::basic::from_utf8(bytes).ok(),
        Some(_) => None,
    }
}

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
    /// [`MAX_LINE`], or less in the tests.
    max_line: usize,
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
            max_line: MAX_LINE,
        }
    }

    /// Bytes consumed so far, newlines included.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The number of the last line handed out (the lines before the stream's start, if none).
    pub fn lines(&self) -> u64 {
        self.line_no
    }

    /// Hands each line to `f` with its 1-based number, until the stream ends or `f` breaks (a
    /// later call goes on from the next line). An I/O error (a truncated gzip member, say) ends
    /// the stream; the lines before it have been handed out.
    pub fn each(&mut self, mut f: impl FnMut(u64, Line<'_>) -> ControlFlow<()>) -> io::Result<()> {
        loop {
            let complete = match memrchr(b'\n', &self.buf[self.searched..self.end]) {
                Some(i) => self.searched + i + 1,
                None if self.eof => self.end,
                None if self.end - self.start >= self.max_line => {
                    let cut = &self.buf[self.start..self.end];
                    let line = text(cut).map_or(Line::Bytes(cut), Line::Text);
                    self.line_no += 1;
                    self.bytes += cut.len() as u64;
                    let in_hole = cut.last() == Some(&0);
                    let flow = f(self.line_no, line);
                    self.pass_rest_of_line(in_hole)?;
                    if flow.is_break() {
                        return Ok(());
                    }
                    continue;
                }
                None => {
                    self.searched = self.end;
                    self.fill()?;
                    continue;
                }
            };
            if self.start == complete {
                return Ok(());
            }
            let block = &self.buf[self.start..complete];
            let text = text(block);
            let mut at = 0;
            let mut flow = ControlFlow::Continue(());
            while at < block.len() && flow.is_continue() {
                let nl = memchr(b'\n', &block[at..]).map_or(block.len(), |i| at + i);
                let next = (nl + 1).min(block.len());
                let end = match block[at..nl] {
                    [.., b'\r'] => nl - 1,
                    _ => nl,
                };
                // Both ends are at ASCII bytes (or the block's ends): boundaries of the text.
                let line = match text.and_then(|t| t.get(at..end)) {
                    Some(t) => Line::Text(t),
                    None => Line::Bytes(&block[at..end]),
                };
                self.line_no += 1;
                self.bytes += (next - at) as u64;
                at = next;
                flow = f(self.line_no, line);
            }
            self.start += at;
            if flow.is_break() {
                // The rest of the block is searched again by the next call.
                self.searched = self.start;
                return Ok(());
            }
            self.searched = self.end;
        }
    }

    /// Passes over the rest of a line cut at [`MAX_LINE`], to and with its newline, reading it
    /// into the start of the buffer (which shrinks back) and counting its bytes as consumed.
    /// Where a run of NUL bytes gives way to text (a sparse file's hole, or the one
    /// `copytruncate` leaves, then the writer's next line), the text is read as the rest of
    /// the line, under the same number: a hole hides no line after it.
    fn pass_rest_of_line(&mut self, mut in_hole: bool) -> io::Result<()> {
        self.buf.truncate(INITIAL);
        self.buf.shrink_to_fit();
        self.start = 0;
        self.end = 0;
        self.searched = 0;
        while !self.eof {
            self.fill()?;
            let mut at = 0;
            while at < self.end {
                let rest = &self.buf[at..self.end];
                if in_hole {
                    match rest.iter().position(|&b| b != 0) {
                        Some(k) => {
                            self.bytes += (at + k) as u64;
                            self.start = at + k;
                            self.searched = at + k;
                            self.line_no -= 1;
                            return Ok(());
                        }
                        None => at = self.end,
                    }
                    continue;
                }
                match memchr2(b'\n', 0, rest) {
                    Some(k) if rest[k] == b'\n' => {
                        self.bytes += (at + k) as u64 + 1;
                        self.start = at + k + 1;
                        self.searched = at + k + 1;
                        return Ok(());
                    }
                    Some(k) => {
                        in_hole = true;
                        at += k + 1;
                    }
                    None => at = self.end,
                }
            }
            self.bytes += self.end as u64;
            self.end = 0;
        }
        Ok(())
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

    /// Hands out at most `step` bytes a read, as a pipe or a decompressor may.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    /// Every line with its number, its bytes and whether it came as text.
    fn frame(input: &[u8], step: usize) -> Vec<(u64, Vec<u8>, bool)> {
        let mut r = LineReader::new(Trickle { data: input, step });
        let mut out = Vec::new();
        r.each(|n, l| {
            out.push((n, l.bytes().to_vec(), matches!(l, Line::Text(_))));
            ControlFlow::Continue(())
        })
        .expect("read");
        out
    }

    /// Every line with its number, read `step` bytes at a time with lines limited to 16 bytes,
    /// and the bytes consumed.
    fn frame_short(input: &[u8], step: usize) -> (Vec<(u64, Vec<u8>)>, u64) {
        let mut r = LineReader {
            max_line: 16,
            ..LineReader::new(Trickle { data: input, step })
        };
        let mut out = Vec::new();
        r.each(|n, l| {
            out.push((n, l.bytes().to_vec()));
            ControlFlow::Continue(())
        })
        .expect("read");
        (out, r.bytes())
    }

    /// A line longer than the limit is handed out cut, its rest passed over, where it has not
    /// come whole in one read: the lines after it keep their numbers, and every byte is counted
    /// as consumed.
    #[test]
    fn a_line_past_the_limit_is_cut_and_the_rest_passed_over() {
        let mut input = b"short\n".to_vec();
        input.extend([b'x'; 1000]);
        input.extend(b"\nafter\nlast");
        for step in [1, 7, 64, usize::MAX] {
            let (out, consumed) = frame_short(&input, step);
            assert_eq!(out.len(), 4, "step {step}");
            assert_eq!(out[0], (1, b"short".to_vec()));
            // Cut where the limit was passed, or whole when it came in one read.
            let cut = out[1].1.len();
            assert!(
                cut >= 16 && (cut < 1000 || step == usize::MAX),
                "step {step}: {cut}"
            );
            assert!(out[1].1.iter().all(|&b| b == b'x'));
            assert_eq!(out[2], (3, b"after".to_vec()), "step {step}");
            assert_eq!(out[3], (4, b"last".to_vec()), "step {step}");
            assert_eq!(consumed, input.len() as u64, "step {step}");
        }
    }

    /// A hole of NUL bytes past the limit (a sparse file's, or the one `copytruncate` leaves)
    /// hides no text after it: the text is the rest of the line, under the line's number.
    #[test]
    fn text_after_a_hole_past_the_limit_is_read() {
        let mut input = b"before\n".to_vec();
        input.extend([0u8; 1000]);
        input.extend(b"after the hole\nlast\n");
        // Reads short of the whole: a hole that comes whole in one read is one line, which
        // the parser mends as it mends any line holding NULs.
        for step in [1, 7, 64, 512] {
            let (out, consumed) = frame_short(&input, step);
            let numbered: Vec<(u64, &[u8])> = out
                .iter()
                .map(|(n, b)| (*n, b.as_slice()))
                .filter(|(_, b)| !b.iter().all(|&c| c == 0))
                .collect();
            assert_eq!(
                numbered,
                [
                    (1, &b"before"[..]),
                    (2, &b"after the hole"[..]),
                    (3, &b"last"[..])
                ],
                "step {step}"
            );
            assert_eq!(consumed, input.len() as u64, "step {step}");
        }
    }

    #[test]
    fn crlf_and_missing_final_newline() {
        let lines = frame(b"a\r\nb\n\nc", usize::MAX);
        assert_eq!(
            lines,
            vec![
                (1, b"a".to_vec(), true),
                (2, b"b".to_vec(), true),
                (3, b"".to_vec(), true),
                (4, b"c".to_vec(), true)
            ]
        );
    }

    #[test]
    fn long_line_spanning_many_buffers() {
        let mut input = vec![b'x'; 5 * INITIAL + 17];
        input.push(b'\n');
        input.extend_from_slice(b"tail\n");
        let lines = frame(&input, usize::MAX);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].1.len(), 5 * INITIAL + 17);
        assert_eq!(lines[1].1, b"tail");
    }

    #[test]
    fn counts_bytes_consumed_and_goes_on_after_a_break() {
        let mut r = LineReader::new(&b"ab\ncd\r\nef"[..]);
        let mut first = Vec::new();
        r.each(|n, _| {
            first.push(n);
            ControlFlow::Break(())
        })
        .expect("read");
        assert_eq!((first, r.bytes()), (vec![1], 3));
        let mut rest = Vec::new();
        r.each(|n, l| {
            rest.push((n, l.bytes().to_vec()));
            ControlFlow::Continue(())
        })
        .expect("read");
        assert_eq!(rest, vec![(2, b"cd".to_vec()), (3, b"ef".to_vec())]);
        assert_eq!(r.bytes(), 9);
    }

    proptest::proptest! {
        /// Whatever the reads' sizes, the lines are those between newlines, and a line comes as
        /// text only when it is valid UTF-8 without NUL or escape bytes; in a file of such
        /// lines, every line does.
        #[test]
        fn lines_are_a_split_and_text_only_when_clean(
            input in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => proptest::sample::select(b"ab \n\r".to_vec()),
                    1 => proptest::sample::select(vec![0u8, 0x1b, 0xc3, 0xa9, 0xff]),
                ],
                0..200,
            ),
            step in 1usize..70,
        ) {
            let lines = frame(&input, step);
            let mut split: Vec<&[u8]> = input.split(|&b| b == b'\n').collect();
            if input.ends_with(b"\n") || input.is_empty() {
                split.pop();
            }
            let clean = |l: &[u8]| std::str::from_utf8(l).is_ok() && !l.contains(&0) && !l.contains(&0x1b);
            proptest::prop_assert_eq!(lines.len(), split.len());
            for (i, ((n, bytes, text), raw)) in lines.iter().zip(&split).enumerate() {
                let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
                proptest::prop_assert_eq!(*n, i as u64 + 1);
                proptest::prop_assert_eq!(bytes.as_slice(), raw);
                proptest::prop_assert!(!text || clean(raw));
            }
            if split.iter().all(|l| clean(l)) {
                proptest::prop_assert!(lines.iter().all(|(_, _, text)| *text));
            }
        }
    }
}
