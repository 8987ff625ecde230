//! Expanding the `PATH` arguments into an ordered list of inputs.

use super::archive::{self, Member};
use super::clickhouse::{self, Table};
use super::InputError;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Where an input's bytes come from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Location {
    File(PathBuf),
    Stdin,
    /// A pipe or device named as an argument (`<(kubectl logs …)`, a FIFO): read once, as a
    /// stream.
    Stream(PathBuf),
    /// A member of an archive, read where it lies ([`Member`]).
    Member(Box<Member>),
    /// A table in ClickHouse, read by querying its server for the window.
    Table(Box<Table>),
}

/// One input, with the name every citation uses: relative to the argument it was found under,
/// so `reconstruct logs/` cites `api/app.log:12`, not an absolute path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Input {
    pub display: String,
    pub location: Location,
    /// Size and modification time as discovery found them (a stream's once it is spooled):
    /// later stages read these rather than asking the file system again for every file.
    pub size: u64,
    pub modified: Option<SystemTime>,
}

impl Input {
    pub fn file(display: String, path: PathBuf, meta: &fs::Metadata) -> Input {
        Input {
            display,
            location: Location::File(path),
            size: meta.len(),
            modified: meta.modified().ok(),
        }
    }

    /// Standard input or a pipe: nothing is known until it is read.
    fn stream(display: String, location: Location) -> Input {
        Input {
            display,
            location,
            size: 0,
            modified: None,
        }
    }
}

/// What walking found: the inputs in a stable order (arguments in the order given, each
/// directory in byte order of its paths), and the entries passed over with the reason.
#[derive(Debug, Default)]
pub struct Discovered {
    pub inputs: Vec<Input>,
    pub skipped: Vec<(String, String)>,
}

impl Discovered {
    /// A file found: an input, or an archive's members (see [`archive::named`]), those it
    /// refuses passed over with why, and the whole passed over where it cannot be listed.
    fn file(&mut self, display: String, path: PathBuf, meta: &fs::Metadata) {
        if !archive::named(&path) {
            self.inputs.push(Input::file(display, path, meta));
            return;
        }
        match archive::list(&path, &display, meta.modified().ok()) {
            Ok(listed) => {
                self.inputs.extend(listed.inputs);
                self.skipped.extend(listed.refused);
            }
            Err(e) => self.skipped.push((
                display,
                format!("an archive that cannot be listed: {}", super::reason(&e)),
            )),
        }
    }
}

/// The tool's own settings file, which a log directory may hold beside its logs: never read as
/// one.
pub const SETTINGS: &str = "reconstruct.toml";

/// Walks every argument. A missing argument is the user's typo, reported before any work;
/// problems below a directory (unreadable entries, sockets, link loops) skip that entry only.
/// Hidden entries and `.git` are not walked into, since they hold no incident's logs.
pub fn discover(args: &[PathBuf]) -> Result<Discovered, InputError> {
    let mut found = Discovered::default();
    for arg in args {
        if arg.as_os_str() == "-" {
            found
                .inputs
                .push(Input::stream("stdin".into(), Location::Stdin));
            continue;
        }
        if let Some(address) = arg.to_str().filter(|a| clickhouse::is_address(a)) {
            let table = Table::parse(address)?;
            found.inputs.push(Input::stream(
                table.citation(),
                Location::Table(Box::new(table)),
            ));
            continue;
        }
        let meta = fs::metadata(arg).map_err(|_| InputError::Missing(arg.display().to_string()))?;
        let display = arg.display().to_string();
        if meta.is_dir() {
            let mut seen = HashSet::new();
            walk_dir(arg, arg, &mut seen, &mut found);
        } else if meta.is_file() {
            found.file(display, arg.clone(), &meta);
        } else {
            found
                .inputs
                .push(Input::stream(display, Location::Stream(arg.clone())));
        }
    }
    Ok(found)
}

fn walk_dir(root: &Path, dir: &Path, seen: &mut HashSet<PathBuf>, found: &mut Discovered) {
    let rel = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    match fs::canonicalize(dir) {
        Ok(real) => {
            if !seen.insert(real) {
                found.skipped.push((
                    rel(dir),
                    "directory link loop: a link back to a directory already walked, whose files are read once".into(),
                ));
                return;
            }
        }
        Err(e) => {
            found.skipped.push((rel(dir), super::reason(&e)));
            return;
        }
    }
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            found.skipped.push((rel(dir), super::reason(&e)));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        // The tool's own configuration, not a log.
        .filter(|e| e.file_name() != SETTINGS)
        .map(|e| e.path())
        .collect();
    paths.sort();
    for path in paths {
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => walk_dir(root, &path, seen, found),
            Ok(m) if m.is_file() => found.file(rel(&path), path, &m),
            // A FIFO found in a directory may never be written to: reading it would hang.
            Ok(_) => found.skipped.push((
                rel(&path),
                "not a regular file (a FIFO, socket or device); name it as an argument to read it"
                    .into(),
            )),
            Err(e) => found.skipped.push((rel(&path), super::reason(&e))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_skipping_hidden() {
        let dir = tempfile::tempdir().expect("tempdir");
        for p in ["b/z.log", "a.log", ".git/config", ".hidden.log", "b/a.log"] {
            let path = dir.path().join(p);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, "x\n").expect("write");
        }
        let found = discover(&[dir.path().to_path_buf()]).expect("walk");
        let names: Vec<_> = found.inputs.iter().map(|i| i.display.as_str()).collect();
        assert_eq!(names, ["a.log", "b/a.log", "b/z.log"]);
    }

    #[test]
    fn missing_argument_is_an_error() {
        assert!(matches!(
            discover(&[PathBuf::from("/no/such/logs")]),
            Err(InputError::Missing(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn link_loops_are_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir(dir.path().join("d")).expect("mkdir");
        fs::write(dir.path().join("d/x.log"), "x\n").expect("write");
        std::os::unix::fs::symlink(dir.path(), dir.path().join("d/loop")).expect("symlink");
        let found = discover(&[dir.path().to_path_buf()]).expect("walk");
        assert_eq!(found.inputs.len(), 1);
        assert_eq!(found.skipped.len(), 1);
    }
}
