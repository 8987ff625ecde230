//! Copies of one file given twice: a rotated copy kept beside its original, a directory and
//! a file inside it both named. Reading both would double every event of the draft.

use super::{Input, Location};
use std::collections::hash_map::{Entry, HashMap};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// Files up to this size are compared whole; larger ones by size, head and tail, which for
/// time-stamped logs differ between any two files that are not copies.
const WHOLE: u64 = 1 << 20;
const EDGE: u64 = 64 * 1024;

/// For each input, the earlier input it is a copy of, if any.
pub fn copies(inputs: &[Input]) -> Vec<Option<usize>> {
    let sizes: Vec<Option<u64>> = inputs
        .iter()
        .map(|i| matches!(i.location, Location::File(_)).then_some(i.size))
        .collect();
    let mut by_size: HashMap<u64, usize> = HashMap::new();
    for size in sizes.iter().flatten() {
        *by_size.entry(*size).or_default() += 1;
    }
    // Only files that share a size are read, and each once: a directory of 20,000 files
    // costs 20,000 metadata calls, not comparisons between every pair.
    let mut first_with: HashMap<(u64, Vec<u8>), usize> = HashMap::new();
    let mut out = vec![None; inputs.len()];
    for (i, (input, size)) in inputs.iter().zip(&sizes).enumerate() {
        let (Some(size), Location::File(path)) = (*size, &input.location) else {
            continue;
        };
        if size == 0 || by_size.get(&size).is_none_or(|&n| n < 2) {
            continue;
        }
        let Ok(bytes) = sample(path, size) else {
            continue;
        };
        match first_with.entry((size, bytes)) {
            Entry::Occupied(first) => out[i] = Some(*first.get()),
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    out
}

/// The whole file, or its head and tail.
fn sample(path: &Path, size: u64) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let mut out = Vec::new();
    if size <= WHOLE {
        file.read_to_end(&mut out)?;
        return Ok(out);
    }
    (&mut file).take(EDGE).read_to_end(&mut out)?;
    file.seek(SeekFrom::Start(size - EDGE))?;
    file.take(EDGE).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_is_found_and_a_different_file_of_the_same_size_is_not() {
        let dir = tempfile::tempdir().expect("tempdir");
        let input = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).expect("write");
            let meta = std::fs::metadata(&p).expect("metadata");
            Input::file(name.into(), p, &meta)
        };
        let inputs = [
            input("app.log", "14:00 a\n"),
            input("app.log.bak", "14:00 a\n"),
            input("other.log", "14:00 b\n"),
        ];
        assert_eq!(copies(&inputs), [None, Some(0), None]);
    }
}
