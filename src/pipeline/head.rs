//! The head of an input: read once, and looked at for binary content.

use std::io::{self, Read};

pub(super) const BINARY_PROBE: usize = 8 * 1024;

/// The first bytes of a stream, to tell text from binary; an error part-way (a truncated
/// gzip) keeps what came before it.
pub(super) fn read_head(reader: &mut dyn Read) -> (Vec<u8>, Option<io::Error>) {
    let mut head = vec![0; BINARY_PROBE];
    let mut filled = 0;
    while filled < head.len() {
        match reader.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                head.truncate(filled);
                return (head, Some(e));
            }
        }
    }
    head.truncate(filled);
    (head, None)
}

/// Whether the head of an input is binary rather than text. NUL bytes alone do not make it
/// so: a log written through a crash often holds a run of them where the lost writes were,
/// and its lines before and after still count. More than one byte in ten that is a control
/// byte or not UTF-8 does.
pub(super) fn is_binary(head: &[u8]) -> bool {
    let mut text = 0usize;
    let mut odd = 0usize;
    for chunk in head.utf8_chunks() {
        for b in chunk.valid().bytes() {
            match b {
                0 => {}
                b'\t' | b'\n' | b'\r' | 0x0c | 0x1b => text += 1,
                0x01..=0x1f | 0x7f => odd += 1,
                _ => text += 1,
            }
        }
        odd += chunk.invalid().len();
    }
    // A chunk cut at the probe's end is not evidence.
    let odd = odd.saturating_sub(3);
    odd * 10 > text + odd
}
