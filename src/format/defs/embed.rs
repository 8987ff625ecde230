//! The build script: embeds every line format defined as data (`src/format/defs/*.toml`) in
//! the tool, so that adding one is adding its file. Writes `definitions.rs` for
//! `format::builtin`, the files in the order of their names (a later definition wins a tie in
//! detection, and that order is the same on every machine).

use std::fmt::Write;
use std::path::Path;
use std::{env, fs};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/format/defs");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("src/format/defs is readable")
        .map(|entry| entry.expect("src/format/defs is readable").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut code = format!("const DEFINITIONS: [(&str, &str); {}] = [\n", files.len());
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("a UTF-8 name");
        let _ = writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        );
    }
    code += "];\n";
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("definitions.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
