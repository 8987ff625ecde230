//! What the integration tests share: the built binary, run as a user runs it.
// Each test crate uses part of this module.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The binary, keeping its line index in the build's scratch directory, not the user's cache.
pub fn reconstruct() -> Command {
    let mut cmd = Command::cargo_bin("reconstruct").expect("the binary is built");
    cmd.env("XDG_CACHE_HOME", env!("CARGO_TARGET_TMPDIR"));
    cmd
}

/// Runs `cmd`, which must succeed; a failure shows its exit code and standard error.
pub fn succeeds(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The one line of standard error a usage error must be (exit 2, `reconstruct: error: …`).
pub fn usage_error(out: &Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("reconstruct: error: "), "{stderr}");
    stderr
}

/// Each line of JSON Lines output (`--events --format json`).
pub fn json_lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// The directories under `tests/<under>` (scenarios, format fixtures), in order.
pub fn dirs(under: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(under);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .expect("a directory of test cases")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}
