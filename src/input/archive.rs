//! Support bundles and archived logs (`.tar`, `.tar.gz`/`.tgz`, `.tar.zst`, `.tar.xz`,
//! `.tar.bz2`, `.zip`): each member is an input of its own, cited as
//! `bundle.tgz:var/log/app.log:123`. A member is read where it lies, streamed: nothing is
//! unpacked to disk, and no archive is held in memory. A member whose name climbs out of the
//! archive (`..`) or starts at the root, and a link, is reported and not read.

use super::open::open;
use super::{Input, Location};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Where one member's bytes are.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Member {
    pub archive: PathBuf,
    pub name: String,
    pub place: Place,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Place {
    /// In a tar stream, after the archive's own compression (if `compressed`): where its data
    /// starts and how long it is.
    Tar {
        offset: u64,
        size: u64,
        compressed: bool,
    },
    /// In a zip file: where its data starts, how many bytes it takes there, and whether they
    /// are deflated (else stored).
    Zip {
        start: u64,
        compressed: u64,
        deflated: bool,
    },
}

/// What an archive holds: its members as inputs, and the entries refused, each with why.
#[derive(Debug, Default)]
pub struct Listed {
    pub inputs: Vec<Input>,
    pub refused: Vec<(String, String)>,
}

/// Whether a file's name says it is an archive, the way support bundles are named. A rotated
/// log's `.gz` is not one: only names that say `tar` or `zip` are listed as archives.
pub fn named(path: &Path) -> bool {
    let Some(name) = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    [
        ".tar", ".tgz", ".tbz2", ".txz", ".tzst", ".zip", ".tar.gz", ".tar.zst", ".tar.xz",
        ".tar.bz2", ".tar.lz4",
    ]
    .iter()
    .any(|end| name.ends_with(end))
}

/// Lists the archive at `path`, shown as `display`: a zip by its central directory, a tar by
/// reading through its headers once (decompressing it as any log is).
///
/// A member's time is its own where the archive records it, else the archive's (`modified`):
/// it anchors the year of stamps that carry none.
pub fn list(path: &Path, display: &str, modified: Option<SystemTime>) -> io::Result<Listed> {
    let mut magic = [0u8; 4];
    let n = File::open(path)?.read(&mut magic)?;
    if magic[..n].starts_with(b"PK\x03\x04") || magic[..n].starts_with(b"PK\x05\x06") {
        list_zip(path, display, modified)
    } else {
        list_tar(path, display, modified)
    }
}

fn list_tar(path: &Path, display: &str, modified: Option<SystemTime>) -> io::Result<Listed> {
    let opened = open(&Location::File(path.to_path_buf()), display).map_err(io::Error::other)?;
    let compressed = opened.compression.is_some();
    let mut archive = tar::Archive::new(opened.reader);
    let mut listed = Listed::default();
    for entry in archive.entries()? {
        // A bundle cut short (a copy interrupted) keeps the members before the cut.
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) if !listed.inputs.is_empty() => {
                listed.refused.push((
                    display.to_string(),
                    format!(
                        "read as far as its {} members before it breaks off: {e}",
                        listed.inputs.len()
                    ),
                ));
                break;
            }
            Err(e) => return Err(e),
        };
        let kind = entry.header().entry_type();
        let name = entry.path()?.to_string_lossy().into_owned();
        if kind.is_dir() {
            continue;
        }
        let why = if kind.is_symlink() || kind.is_hard_link() {
            Some("a link inside the archive: not followed".to_string())
        } else if !kind.is_file() {
            Some("not a regular file inside the archive".to_string())
        } else {
            unsafe_name(&name)
        };
        let place = Place::Tar {
            offset: entry.raw_file_position(),
            size: entry.size(),
            compressed,
        };
        let written = entry
            .header()
            .mtime()
            .ok()
            .filter(|&t| t > 0)
            .map(|t| SystemTime::UNIX_EPOCH + Duration::from_secs(t));
        listed.add(path, display, (name, written.or(modified)), place, why);
    }
    Ok(listed)
}

fn list_zip(path: &Path, display: &str, modified: Option<SystemTime>) -> io::Result<Listed> {
    let mut archive = zip::ZipArchive::new(File::open(path)?).map_err(io::Error::other)?;
    let mut listed = Listed::default();
    for i in 0..archive.len() {
        let file = match archive.by_index_raw(i) {
            Ok(file) => file,
            Err(e) => {
                listed.refused.push((
                    format!("{display}:#{}", i + 1),
                    format!("its member cannot be read: {e}"),
                ));
                continue;
            }
        };
        let name = file.name().to_string();
        if file.is_dir() {
            continue;
        }
        let deflated = match file.compression() {
            zip::CompressionMethod::Stored => Some(false),
            method if method == zip::CompressionMethod::DEFLATE => Some(true),
            _ => None,
        };
        let why = if file.is_symlink() {
            Some("a link inside the archive: not followed".to_string())
        } else if deflated.is_none() {
            Some(format!(
                "compressed with {} inside the zip, which is not read (stored and deflated members are)",
                file.compression()
            ))
        } else {
            unsafe_name(&name)
        };
        let place = Place::Zip {
            start: file.data_start().unwrap_or(0),
            compressed: file.compressed_size(),
            deflated: deflated.unwrap_or(false),
        };
        listed.add(path, display, (name, modified), place, why);
    }
    Ok(listed)
}

/// Why a member's name is not read: it starts at the root, or climbs out of the archive.
fn unsafe_name(name: &str) -> Option<String> {
    let path = Path::new(name);
    if path.has_root() || name.starts_with('/') || name.starts_with('\\') {
        return Some("its name is absolute: members are read only below the archive".into());
    }
    path.components()
        .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)))
        .then(|| "its name climbs out of the archive (..): not read".into())
}

impl Listed {
    fn add(
        &mut self,
        archive: &Path,
        display: &str,
        (name, modified): (String, Option<SystemTime>),
        place: Place,
        why: Option<String>,
    ) {
        let shown = format!("{display}:{name}");
        if let Some(why) = why {
            self.refused.push((shown, why));
            return;
        }
        let size = match place {
            Place::Tar { size, .. } => size,
            Place::Zip { compressed, .. } => compressed,
        };
        self.inputs.push(Input {
            display: shown,
            location: Location::Member(Box::new(Member {
                archive: archive.to_path_buf(),
                name,
                place,
            })),
            size,
            modified,
        });
    }
}

impl Member {
    /// The member's bytes, as the archive stores them once its own compression is undone: a
    /// zip's deflated member is inflated here, and both are then read as any file is (a
    /// rotated `.gz` inside is decompressed by its magic bytes).
    pub(super) fn bytes(&self, display: &str) -> io::Result<(Box<dyn Read + Send>, bool)> {
        match self.place {
            Place::Tar {
                offset,
                size,
                compressed: false,
            } => {
                let mut file = File::open(&self.archive)?;
                file.seek(SeekFrom::Start(offset))?;
                Ok((Box::new(file.take(size)), false))
            }
            Place::Tar { offset, size, .. } => {
                // A compressed tar is read from its start: its members cannot be reached
                // without what comes before them.
                let opened = open(&Location::File(self.archive.clone()), display)
                    .map_err(io::Error::other)?;
                let mut stream = opened.reader;
                let skipped = io::copy(&mut (&mut stream).take(offset), &mut io::sink())?;
                if skipped < offset {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the archive ends before the member",
                    ));
                }
                Ok((Box::new(stream.take(size)), false))
            }
            Place::Zip {
                start,
                compressed,
                deflated,
            } => {
                let mut file = File::open(&self.archive)?;
                file.seek(SeekFrom::Start(start))?;
                Ok((Box::new(file.take(compressed)), deflated))
            }
        }
    }
}
