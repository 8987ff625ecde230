//! The floor under a first run (`--no-index`): the newlines before each file's window counted,
//! and nothing else, for `benches/compare.sh` to measure beside the run itself.
//!
//! ```text
//! cargo run --release --example count-before -- [--mmap] FILE:OFFSET...
//! ```
//!
//! By default the lines are counted as reconstruct counts them ([`Seekable::lines_before`]:
//! positioned reads through a small buffer, in pieces spread over the cores). `--mmap` counts
//! them through a memory map instead, with no copy out of the page cache: what counting could
//! cost at best on the machine, and what reconstruct does not do, since a file truncated while
//! it is mapped kills the process (`SIGBUS`). Prints the lines counted.

use rayon::prelude::*;
use reconstruct::input::Seekable;
use std::fs::File;
use std::path::Path;
use std::process::ExitCode;

/// Each thread's piece of a mapped file, as reconstruct's own count splits a file.
const PIECE: usize = 8 << 20;

fn main() -> ExitCode {
    let mut mmap = false;
    let mut targets = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--mmap" {
            mmap = true;
            continue;
        }
        let Some((path, offset)) = arg
            .rsplit_once(':')
            .and_then(|(p, o)| Some((p.to_string(), o.parse::<u64>().ok()?)))
        else {
            eprintln!("count-before: {arg}: expected FILE:OFFSET");
            return ExitCode::FAILURE;
        };
        targets.push((path, offset));
    }
    let counted: Result<Vec<u64>, String> = targets
        .par_iter()
        .map(|(path, offset)| {
            let counted = if mmap {
                mapped(Path::new(path), *offset)
            } else {
                Seekable::open(Path::new(path))
                    .and_then(|file| file.lines_before(*offset, None))
                    .map(|c| c.lines)
            };
            counted.map_err(|e| format!("{path}: {e}"))
        })
        .collect();
    match counted {
        Ok(lines) => {
            println!("{}", lines.iter().sum::<u64>());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("count-before: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The newlines before `offset`, read through a memory map of the file.
fn mapped(path: &Path, offset: u64) -> std::io::Result<u64> {
    let file = File::open(path)?;
    let len = file.metadata()?.len().min(offset) as usize;
    if len == 0 {
        return Ok(0);
    }
    // SAFETY: the corpus is not written while it is measured; a file truncated under the map
    // would raise SIGBUS, which is why reconstruct itself never maps a log.
    let map = unsafe { memmap2::MmapOptions::new().len(len).map(&file)? };
    Ok(map
        .par_chunks(PIECE)
        .with_max_len(1)
        .map(|piece| bytecount::count(piece, b'\n') as u64)
        .sum())
}
