//! Line numbers at known offsets of large files, kept between runs: citing a line deep in a
//! 1 GB log means counting the newlines before it, which is most of what a window run costs,
//! and a responder looks at the same logs again and again while writing the postmortem.
//!
//! An entry is found by the file's device and inode (so a rotation's rename keeps it) and
//! trusted only while the file still holds what was counted: its first 4 KiB, and the 4 KiB
//! before the checkpoint used, must hash as they did. A file that was truncated and rewritten,
//! or replaced, fails that check and is counted again. What the check assumes is what logs do:
//! they are appended to, not edited in the middle.

use std::fs::{self, File};
use std::hash::{DefaultHasher, Hasher};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// A checkpoint is kept every so many bytes counted: counting from the nearest one costs a
/// fraction of a millisecond, and an 800 MB file's entry is some 25 KB.
pub const STEP: u64 = 1 << 20;
/// The bytes hashed to recognise a file's start and the text before a checkpoint.
const BLOCK: usize = 4096;
const HEADER: &str = "reconstruct line index 1";

/// How long an entry is kept that no run has written or used: the log it was counted for is
/// most likely gone (rotated away, or a copy deleted after the postmortem), and nothing else
/// would ever remove it.
const KEPT_FOR: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// The index's usual place: `$XDG_CACHE_HOME/reconstruct/lines`, else under `~/.cache`.
pub fn default_dir() -> Option<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?;
    Some(cache.join("reconstruct").join("lines"))
}

/// So many lines end before `offset` (the default: none before the start).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Checkpoint {
    pub offset: u64,
    pub lines: u64,
    /// The hash of the 4 KiB (`BLOCK`) before `offset`.
    pub tail: u64,
}

/// One file's entry.
pub struct LineIndex {
    path: PathBuf,
    head: u64,
    checkpoints: Vec<Checkpoint>,
    changed: bool,
    /// Whether a checkpoint of it numbered this run's lines (see [`LineIndex::save`]).
    used: bool,
}

impl LineIndex {
    /// The entry for `file` (empty when there is none yet, or the one there no longer fits the
    /// file); `None` when no index is kept or the file is too small to need one.
    pub fn open(file: &File, dir: &Path) -> Option<LineIndex> {
        let meta = file.metadata().ok()?;
        if meta.len() < STEP {
            return None;
        }
        let head = hash_at(file, 0)?;
        let path = dir.join(format!("{:x}-{:x}", meta.dev(), meta.ino()));
        let checkpoints = fs::read_to_string(&path)
            .ok()
            .and_then(|text| read_entry(&text, head))
            .unwrap_or_default();
        Some(LineIndex {
            path,
            head,
            checkpoints,
            changed: false,
            used: false,
        })
    }

    /// The last checkpoint at or before `offset`, if the file still holds what was counted up
    /// to it; if it does not, the whole entry is dropped.
    pub fn before(&mut self, file: &File, offset: u64) -> Option<Checkpoint> {
        let best = *self.checkpoints.iter().rev().find(|c| c.offset <= offset)?;
        if hash_at(file, best.offset - BLOCK as u64) == Some(best.tail) {
            self.used = true;
            return Some(best);
        }
        self.checkpoints.clear();
        self.changed = true;
        None
    }

    /// Adds checkpoints counted in this run.
    pub fn add(&mut self, new: impl IntoIterator<Item = Checkpoint>) {
        for c in new {
            if let Err(i) = self
                .checkpoints
                .binary_search_by_key(&c.offset, |k| k.offset)
            {
                self.checkpoints.insert(i, c);
                self.changed = true;
            }
        }
    }

    /// Writes the entry if this run changed it, else marks it used if it numbered this run's
    /// lines (its time set anew, so that it is not removed as unused: see `prune`). An index
    /// that cannot be written is only not kept: the next run counts again.
    pub fn save(&self) {
        if !self.changed {
            if self.used {
                let _ = File::options()
                    .write(true)
                    .open(&self.path)
                    .and_then(|f| f.set_modified(SystemTime::now()));
            }
            return;
        }
        let mut text = format!("{HEADER}\nhead {:x}\n", self.head);
        for c in &self.checkpoints {
            text.push_str(&format!("{} {} {:x}\n", c.offset, c.lines, c.tail));
        }
        let Some(dir) = self.path.parent() else {
            return;
        };
        // A new entry is a new log (or a log rotated into a new file): the time to look for
        // entries of logs gone, rather than at every save.
        let new = !self.path.exists();
        // Written aside and renamed, so that two runs at once never see half an entry.
        let aside = self.path.with_extension(format!("{}", std::process::id()));
        let written = fs::create_dir_all(dir)
            .and_then(|()| fs::write(&aside, text))
            .and_then(|()| fs::rename(&aside, &self.path));
        if written.is_err() {
            let _ = fs::remove_file(&aside);
            return;
        }
        if let Some(cutoff) = SystemTime::now().checked_sub(KEPT_FOR).filter(|_| new) {
            prune(dir, cutoff);
        }
    }
}

/// Removes the entries in `dir` last written or used before `cutoff`, and the asides of runs
/// that died while writing. Only files named as this module names them are touched.
fn prune(dir: &Path, cutoff: SystemTime) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let ours = entry.file_name().to_str().is_some_and(is_entry_name);
        let unused = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t < cutoff);
        if ours && unused {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// `{device:x}-{inode:x}`, an entry, or that with `.{pid}`, one being written.
fn is_entry_name(name: &str) -> bool {
    let hex = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit());
    let (base, pid) = match name.split_once('.') {
        Some((base, pid)) => (base, Some(pid)),
        None => (name, None),
    };
    base.split_once('-')
        .is_some_and(|(dev, ino)| hex(dev) && hex(ino))
        && pid.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The hash of the 4 KiB (`BLOCK`) of `buf` that end it, when it has that many.
pub fn tail_hash(buf: &[u8]) -> Option<u64> {
    buf.len()
        .checked_sub(BLOCK)
        .map(|start| hash(&buf[start..]))
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// The hash of the [`BLOCK`] bytes at `offset`; `None` if the file no longer has them.
fn hash_at(file: &File, offset: u64) -> Option<u64> {
    let mut buf = [0u8; BLOCK];
    file.read_exact_at(&mut buf, offset).ok()?;
    Some(hash(&buf))
}

/// The checkpoints of an entry written for a file that starts as `head` does; `None` for an
/// entry of another file (the inode was reused) or one this version cannot read.
fn read_entry(text: &str, head: u64) -> Option<Vec<Checkpoint>> {
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    let recorded = u64::from_str_radix(lines.next()?.strip_prefix("head ")?, 16).ok()?;
    if recorded != head {
        return None;
    }
    let mut checkpoints: Vec<Checkpoint> = lines
        .map(|line| {
            let mut parts = line.split(' ');
            let offset = parts.next()?.parse().ok()?;
            let lines = parts.next()?.parse().ok()?;
            let tail = u64::from_str_radix(parts.next()?, 16).ok()?;
            (offset >= BLOCK as u64).then_some(Checkpoint {
                offset,
                lines,
                tail,
            })
        })
        .collect::<Option<_>>()?;
    checkpoints.sort_by_key(|c| c.offset);
    Some(checkpoints)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_entries_and_their_asides_are_named_as_entries() {
        for name in ["fd00-2a1b", "803-9f.4242"] {
            assert!(is_entry_name(name), "{name}");
        }
        for name in [
            "notes.txt",
            "fd00",
            "fd00-",
            "-2a1b",
            "fd00-2a1b.",
            "fd00-xyz",
            "a-b.1c",
        ] {
            assert!(!is_entry_name(name), "{name}");
        }
    }

    #[test]
    fn an_entry_reads_back_only_for_the_file_it_was_written_for() {
        let text = format!("{HEADER}\nhead ff\n20000 7 a\n10000 3 b\n");
        let read = read_entry(&text, 0xff).expect("entry");
        assert_eq!(
            read,
            vec![
                Checkpoint {
                    offset: 10000,
                    lines: 3,
                    tail: 0xb
                },
                Checkpoint {
                    offset: 20000,
                    lines: 7,
                    tail: 0xa
                },
            ]
        );
        assert_eq!(read_entry(&text, 0xfe), None, "another file's start");
        assert_eq!(
            read_entry(&text.replace("index 1", "index 2"), 0xff),
            None,
            "another version"
        );
        assert_eq!(
            read_entry(&format!("{text}12 x\n"), 0xff),
            None,
            "a damaged entry"
        );
    }
}
