//! Line framing over arbitrary bytes, delivered in pieces of arbitrary sizes as pipes and
//! decompressors deliver them: the same lines, numbered, as splitting the whole buffer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use reconstruct::input::{Line, LineReader};
use std::io::Read;
use std::ops::ControlFlow;

/// Hands out the data in pieces whose sizes come from the data itself.
struct Pieces<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.data.len().min(buf.len()).min(self.step);
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

fuzz_target!(|input: (u8, &[u8])| {
    let (step, data) = input;
    let mut reader = LineReader::new(Pieces {
        data,
        step: usize::from(step).max(1),
    });
    let mut got = Vec::new();
    let read = reader.each(|n, line| {
        got.push((n, line.bytes().to_vec(), matches!(line, Line::Text(_))));
        ControlFlow::Continue(())
    });
    assert!(read.is_ok(), "reading from memory cannot fail");
    let mut want: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    if data.is_empty() || data.ends_with(b"\n") {
        want.pop();
    }
    assert_eq!(got.len(), want.len());
    for ((n, line, text), (i, expected)) in got.iter().zip(want.iter().enumerate()) {
        assert_eq!(*n, i as u64 + 1);
        assert_eq!(
            line.as_slice(),
            expected.strip_suffix(b"\r").unwrap_or(expected)
        );
        // Text only for a line a parser need not mend.
        let clean =
            std::str::from_utf8(line).is_ok() && !line.contains(&0) && !line.contains(&0x1b);
        assert!(!text || clean);
    }
    assert_eq!(reader.bytes(), data.len() as u64);
});
