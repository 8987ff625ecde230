//! Narrowing a plain file to the window without reading all of it: bisection over byte
//! offsets, on the assumption — checked first — that the file is written in time order.
//!
//! Positioned reads only (no memory map), so a log truncated or rotated while it is read
//! costs a short read, never a crash.

use super::line_index::{self, Checkpoint, LineIndex};
use crate::time::Nanos;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// How much a probe reads first: a few lines, of which the first whole one usually has a
/// time; then how much at each further read, and how far a probe looks for a timestamped line.
const PROBE_FIRST: usize = 4 * 1024;
const PROBE: usize = 64 * 1024;
const PROBE_REACH: u64 = 1 << 20;
/// Bisection stops when the range is this small; the rest is read forward, and parsed only to
/// be left out. A probe of a cached file costs less than parsing a few hundred lines, but on a
/// disk it is a seek: two more probes than at 256 KiB, for a quarter of the parsing.
const CLOSE_ENOUGH: u64 = 64 * 1024;
/// Probes spread over the file to check that it is in time order.
const ORDER_PROBES: u64 = 16;
/// The buffer each thread counts newlines through: small enough that the kernel's copy into
/// it is still in cache when it is counted (a buffer of 1 MiB or more counts slower).
const COUNT_BUFFER: usize = 64 << 10;
/// The newlines before an offset are counted in pieces of about this size, one task each:
/// a thread done with its own file's work takes the pieces left of another's, where halves
/// (one per thread) left one thread counting alone while the other waited.
const COUNT_PIECE: u64 = 8 << 20;

/// A line's time in the file's own format; `None` for a line without one.
pub type TimeOf<'a> = dyn FnMut(&[u8]) -> Option<Nanos> + 'a;

pub struct Seekable {
    file: File,
    len: u64,
}

impl Seekable {
    pub fn open(path: &Path) -> io::Result<Seekable> {
        Seekable::of(File::open(path)?)
    }

    /// A file already open, read where it is, whatever its path names since (a followed
    /// file that was rotated in between).
    pub fn of(file: File) -> io::Result<Seekable> {
        let len = file.metadata()?.len();
        Ok(Seekable { file, len })
    }

    /// The file read on from `offset`, through a descriptor of its own: the same file that
    /// was probed and counted, even if its path has been given to another since.
    pub fn reader_from(&self, offset: u64) -> io::Result<File> {
        use std::io::{Seek, SeekFrom};
        let mut file = self.file.try_clone()?;
        file.seek(SeekFrom::Start(offset))?;
        Ok(file)
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.len
    }

    /// The file's last bytes, up to `n`.
    pub fn tail(&self, n: usize) -> io::Result<Vec<u8>> {
        let from = self.len.saturating_sub(n as u64);
        let mut buf = vec![0u8; (self.len - from) as usize];
        let got = read_at(&self.file, &mut buf, from)?;
        buf.truncate(got);
        Ok(buf)
    }

    /// The file's first bytes, up to `n`.
    pub fn head(&self, n: usize) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; n.min(self.len as usize)];
        let got = read_at(&self.file, &mut buf, 0)?;
        buf.truncate(got);
        Ok(buf)
    }

    /// The first timestamped line that starts after `offset` (at it, for 0): its start and time.
    fn probe(&self, offset: u64, time_of: &mut TimeOf) -> io::Result<Option<(u64, Nanos)>> {
        let (mut buf, mut size) = (Vec::new(), PROBE_FIRST);
        let mut at = offset;
        let mut skip_partial = offset > 0;
        while at < self.len && at - offset < PROBE_REACH {
            buf.resize(size, 0);
            size = PROBE;
            let n = read_at(&self.file, &mut buf, at)?;
            if n == 0 {
                break;
            }
            let chunk = &buf[..n];
            let mut line_start = 0;
            if skip_partial {
                match memchr::memchr(b'\n', chunk) {
                    Some(i) => {
                        line_start = i + 1;
                        skip_partial = false;
                    }
                    None => {
                        at += n as u64;
                        continue;
                    }
                }
            }
            while let Some(len) = memchr::memchr(b'\n', &chunk[line_start..]) {
                let line = &chunk[line_start..line_start + len];
                if let Some(t) = time_of(line) {
                    return Ok(Some((at + line_start as u64, t)));
                }
                line_start += len + 1;
            }
            if line_start == 0 && buf.len() < PROBE {
                // A line longer than the first read: read it again, whole.
                continue;
            }
            if line_start == 0 {
                // One line longer than a probe: look past it.
                skip_partial = true;
                at += n as u64;
            } else {
                at += line_start as u64;
            }
        }
        Ok(None)
    }

    /// Where `n` stretches of the file start: each at a line that carries a timestamp (so that
    /// no stretch opens with a stack frame or wrapped line of the one before), the first at 0.
    pub fn starts(&self, n: u64, time_of: &mut TimeOf) -> io::Result<Vec<u64>> {
        let mut starts = vec![0];
        for i in 1..n {
            if let Some((line, _)) = self.probe(self.len * i / n, time_of)? {
                if starts.last().is_some_and(|&last| line > last) {
                    starts.push(line);
                }
            }
        }
        Ok(starts)
    }

    /// Whether times at offsets spread over the file never go back by more than `skew`.
    pub fn ordered(&self, skew: Nanos, time_of: &mut TimeOf) -> io::Result<bool> {
        let mut last: Option<Nanos> = None;
        for i in 0..ORDER_PROBES {
            let Some((_, t)) = self.probe(self.len * i / ORDER_PROBES, time_of)? else {
                continue;
            };
            if last.is_some_and(|l| t + skew < l) {
                return Ok(false);
            }
            last = Some(last.map_or(t, |l| l.max(t)));
        }
        Ok(last.is_some())
    }

    /// The start of a line from which reading forward misses no line at or after `target`.
    pub fn bisect(&self, target: Nanos, time_of: &mut TimeOf) -> io::Result<u64> {
        let (mut lo, mut hi) = (0u64, self.len);
        let mut start = 0u64;
        while hi - lo > CLOSE_ENOUGH {
            let mid = lo + (hi - lo) / 2;
            match self.probe(mid, time_of)? {
                Some((line, t)) if t < target => {
                    lo = mid;
                    start = line;
                }
                _ => hi = mid,
            }
        }
        Ok(start)
    }

    /// How many lines end before `offset` (see [`Count::run`]).
    pub fn lines_before(&self, offset: u64, index: Option<&Path>) -> io::Result<Counted> {
        self.count_to(offset, index).run()
    }

    /// The lines before `offset`, to be counted from the nearest checkpoint of the line index
    /// in the directory `index` when it has one.
    pub fn count_to(&self, offset: u64, index: Option<&Path>) -> Count<'_> {
        let mut index = index.and_then(|dir| LineIndex::open(&self.file, dir));
        let base = index
            .as_mut()
            .and_then(|i| i.before(&self.file, offset))
            .unwrap_or_default();
        Count {
            file: self,
            offset,
            base,
            index,
        }
    }

    /// The newlines in `from..to`, and a checkpoint (lines counted from `from`) every
    /// [`line_index::STEP`] bytes.
    fn count(&self, from: u64, to: u64) -> io::Result<(u64, Vec<Checkpoint>)> {
        let mut buf = vec![0u8; COUNT_BUFFER.min((to - from) as usize)];
        let (mut at, mut lines, mut marks) = (from, 0u64, Vec::new());
        let mut next_mark = (from / line_index::STEP + 1) * line_index::STEP;
        while at < to {
            let want = ((to - at) as usize).min(buf.len());
            let n = read_at(&self.file, &mut buf[..want], at)?;
            if n == 0 {
                break;
            }
            lines += bytecount::count(&buf[..n], b'\n') as u64;
            at += n as u64;
            if at >= next_mark {
                if let Some(tail) = line_index::tail_hash(&buf[..n]) {
                    marks.push(Checkpoint {
                        offset: at,
                        lines,
                        tail,
                    });
                    next_mark = (at / line_index::STEP + 1) * line_index::STEP;
                }
            }
        }
        Ok((lines, marks))
    }
}

/// The lines before an offset of a file, not counted yet.
pub struct Count<'f> {
    file: &'f Seekable,
    offset: u64,
    /// Where the line index leaves off (the file's start when it has nothing).
    base: Checkpoint,
    index: Option<LineIndex>,
}

impl Count<'_> {
    /// The bytes that counting reads.
    pub fn bytes(&self) -> u64 {
        self.offset - self.base.offset
    }

    /// Counts the newlines with SIMD from where the index leaves off, in pieces spread over
    /// the threads, each through one reused buffer. What was counted is added to the index.
    pub fn run(self) -> io::Result<Counted> {
        use rayon::prelude::*;
        let Count {
            file,
            offset,
            base,
            mut index,
        } = self;
        let pieces = (offset - base.offset).div_ceil(COUNT_PIECE).max(1);
        let stretch = (offset - base.offset).div_ceil(pieces).max(1);
        let counted: Vec<(u64, Vec<Checkpoint>)> = (0..pieces as usize)
            .into_par_iter()
            .with_max_len(1)
            .map(|i| {
                let i = i as u64;
                let from = (base.offset + i * stretch).min(offset);
                let to = (base.offset + (i + 1) * stretch).min(offset);
                file.count(from, to)
            })
            .collect::<io::Result<_>>()?;
        let mut lines = base.lines;
        let mut checkpoints = Vec::new();
        for (n, marks) in counted {
            checkpoints.extend(marks.into_iter().map(|c| Checkpoint {
                lines: lines + c.lines,
                ..c
            }));
            lines += n;
        }
        if let Some(index) = &mut index {
            index.add(checkpoints);
            index.save();
        }
        Ok(Counted {
            lines,
            indexed: base.offset > 0,
        })
    }
}

/// Lines before an offset, and whether the line index spared counting most of them.
#[derive(Clone, Copy, Debug)]
pub struct Counted {
    pub lines: u64,
    pub indexed: bool,
}

/// Reads as much as the file has at `offset`, up to the buffer's length.
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read_at(&mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file(lines: &[String]) -> (tempfile::NamedTempFile, Seekable) {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        for l in lines {
            writeln!(f, "{l}").expect("write");
        }
        let s = Seekable::open(f.path()).expect("open");
        (f, s)
    }

    fn numbered(line: &[u8]) -> Option<Nanos> {
        std::str::from_utf8(line)
            .ok()?
            .split(' ')
            .next()?
            .parse()
            .ok()
    }

    #[test]
    fn bisection_lands_before_the_target_line() {
        let lines: Vec<String> = (0..200_000)
            .map(|i| {
                if i % 10 == 5 {
                    "  continuation".into()
                } else {
                    format!("{i} event")
                }
            })
            .collect();
        let (_f, s) = file(&lines);
        let start = s.bisect(150_000, &mut numbered).expect("bisect");
        let before = s.lines_before(start, None).expect("count").lines;
        assert!(
            before <= 150_000 && 150_000 - before < 40_000,
            "start at line {before}"
        );
        let mut buf = vec![0u8; 32];
        let n = read_at(&s.file, &mut buf, start).expect("read");
        let first = numbered(buf[..n].split(|c| *c == b'\n').next().expect("a line")).unwrap_or(0);
        assert!(first <= 150_000);
        assert!(s.ordered(0, &mut numbered).expect("order"));
    }

    #[test]
    fn a_probe_reads_a_line_longer_than_its_first_read_whole() {
        let long = format!("7 {}", "x".repeat(3 * PROBE_FIRST));
        let (_f, s) = file(&[long, "9 event".into()]);
        assert_eq!(s.probe(0, &mut numbered).expect("probe"), Some((0, 7)));
        // One longer than any read is passed over.
        let longest = format!("8 {}", "y".repeat(2 * PROBE));
        let (_f, s) = file(&[longest.clone(), "9 event".into()]);
        let next = longest.len() as u64 + 1;
        assert_eq!(s.probe(0, &mut numbered).expect("probe"), Some((next, 9)));
    }

    #[test]
    fn disorder_is_noticed() {
        let lines: Vec<String> = (0..200_000)
            .map(|i| format!("{} event", if i > 150_000 { i - 100_000 } else { i }))
            .collect();
        let (_f, s) = file(&lines);
        assert!(!s.ordered(10, &mut numbered).expect("order"));
    }

    #[test]
    fn lines_are_counted_across_chunks() {
        let lines: Vec<String> = (0..300_000)
            .map(|i| format!("{i} {}", "x".repeat(i % 90)))
            .collect();
        let (_f, s) = file(&lines);
        assert_eq!(
            s.lines_before(s.size(), None).expect("count").lines,
            300_000
        );
    }

    /// The window is read from the file bisected and counted, though a rotation has given
    /// its path to a new file since.
    #[test]
    fn a_reader_reads_the_file_probed_though_its_path_names_another_since() {
        use std::io::Read;
        let dir = tempfile::tempdir().expect("tempdir");
        let (path, next) = (dir.path().join("app.log"), dir.path().join("app.log.new"));
        std::fs::write(&path, "1 first\n2 second\n").expect("write");
        let s = Seekable::open(&path).expect("open");
        std::fs::write(&next, "9 the new file\n").expect("write");
        std::fs::rename(&next, &path).expect("rotate");
        let mut rest = String::new();
        s.reader_from(8)
            .expect("reader")
            .read_to_string(&mut rest)
            .expect("read");
        assert_eq!(rest, "2 second\n");
    }
}
