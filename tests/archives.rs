//! Support bundles and archived logs: each member of a `.tar`, `.tar.gz`/`.tgz`, `.tar.zst`,
//! `.tar.bz2`, `.tar.xz` or `.zip` is read as a log of its own and cited as `bundle.tgz:checkout/app.log:123`;
//! members that climb out of the archive, start at the root or are links are refused with a
//! reason, and the rest still read. The archives are made here from `sample-logs/`, with the
//! same writers the tools that make bundles use (GNU tar's headers, zip's deflate).

mod common;
use common::{reconstruct, succeeds};

use serde_json::Value;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The sample's logs a bundle holds, by their path inside it.
const MEMBERS: [&str; 4] = [
    "checkout/app.log",
    "deploy/deploys.log",
    "gateway/access.log",
    "gateway/access.log.1.gz",
];

fn sample(member: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sample-logs")
        .join(member);
    fs::read(path).expect("sample log")
}

fn tar_of(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (name, bytes) in members {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(1_742_306_400);
        builder
            .append_data(&mut header, name, &bytes[..])
            .expect("tar member");
    }
    builder.into_inner().expect("tar")
}

fn zip_of(members: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (i, (name, bytes)) in members.iter().enumerate() {
        // Deflated and stored members both, as zip tools choose per file.
        let method = if i % 2 == 0 {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let options = zip::write::SimpleFileOptions::default().compression_method(method);
        zip.start_file(*name, options).expect("zip member");
        zip.write_all(bytes).expect("zip write");
    }
    zip.finish().expect("zip").into_inner()
}

/// The draft's JSON of `args` run in `dir`.
fn draft(dir: &Path, args: &[&str]) -> Value {
    let out = succeeds(
        reconstruct()
            .current_dir(dir)
            .args(["--format", "json", "--from", "14:00", "--to", "16:00"])
            .args(args),
    );
    serde_json::from_slice(&out.stdout).expect("json draft")
}

/// Each entry's minute, kind and words, and its citations.
fn entries(draft: &Value) -> Vec<(String, Vec<String>)> {
    draft["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            let sources = e["sources"]
                .as_array()
                .expect("sources")
                .iter()
                .map(|s| format!("{}:{}", s["path"].as_str().unwrap_or_default(), s["line"]))
                .collect();
            (
                format!("{} {} {}", e["time"], e["kind"], e["summary"]),
                sources,
            )
        })
        .collect()
}

/// A bundle in each archive format drafts as its logs do unpacked, each citation naming the
/// archive and the member.
#[test]
fn a_bundle_drafts_as_its_logs_unpacked() {
    let members: Vec<(&str, Vec<u8>)> = MEMBERS.iter().map(|m| (*m, sample(m))).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let unpacked = dir.path().join("unpacked");
    for (name, bytes) in &members {
        let path = unpacked.join(name);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, bytes).expect("write");
    }
    let expected = entries(&draft(&unpacked, &["."]));
    assert!(expected.len() > 5, "{expected:?}");
    let tar = tar_of(&members);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).expect("gzip");
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
    bz.write_all(&tar).expect("bzip2");
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 6);
    xz.write_all(&tar).expect("xz");
    let bundles = [
        ("bundle.tar", tar.clone()),
        ("bundle.tgz", gz.finish().expect("gzip")),
        (
            "bundle.tar.zst",
            zstd::encode_all(&tar[..], 3).expect("zstd"),
        ),
        ("bundle.tar.bz2", bz.finish().expect("bzip2")),
        ("bundle.tar.xz", xz.finish().expect("xz")),
        ("bundle.zip", zip_of(&members)),
    ];
    for (name, bytes) in bundles {
        fs::write(dir.path().join(name), bytes).expect("write");
        let got = entries(&draft(dir.path(), &[name]));
        assert_eq!(got.len(), expected.len(), "{name}: {got:?}");
        for ((words, sources), (want, unpacked_sources)) in got.iter().zip(&expected) {
            assert_eq!(words, want, "{name}");
            let cited: Vec<String> = unpacked_sources
                .iter()
                .map(|s| format!("{name}:{}", s.trim_start_matches("./")))
                .collect();
            assert_eq!(sources, &cited, "{name}");
        }
    }
}

/// A tar member whose name is given byte for byte, as a hostile or broken tool writes it.
fn raw_member(builder: &mut tar::Builder<Vec<u8>>, name: &[u8], kind: tar::EntryType, body: &[u8]) {
    let mut header = tar::Header::new_old();
    header.as_old_mut().name[..name.len()].copy_from_slice(name);
    header.set_entry_type(kind);
    header.set_size(body.len() as u64);
    header.set_mode(0o644);
    if kind == tar::EntryType::Symlink {
        header.as_old_mut().linkname[..11].copy_from_slice(b"/etc/passwd");
    }
    header.set_cksum();
    builder.append(&header, body).expect("member");
}

/// Members named `../…` or `/…`, and links, are reported and not read; the others are.
#[test]
fn members_that_leave_the_archive_or_link_are_refused() {
    let line = b"2025-03-18 14:05:00.000 ERROR [main] c.a.Checkout - payment failed\n";
    let mut builder = tar::Builder::new(Vec::new());
    raw_member(&mut builder, b"../evil.log", tar::EntryType::Regular, line);
    raw_member(
        &mut builder,
        b"/etc/evil.log",
        tar::EntryType::Regular,
        line,
    );
    raw_member(&mut builder, b"passwd.log", tar::EntryType::Symlink, b"");
    raw_member(
        &mut builder,
        b"checkout/app.log",
        tar::EntryType::Regular,
        line,
    );
    let tar = builder.into_inner().expect("tar");
    let zip = zip_of(&[
        ("../evil.log", line.to_vec()),
        ("checkout/app.log", line.to_vec()),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("bundle.tar"), tar).expect("write");
    fs::write(dir.path().join("bundle.zip"), zip).expect("write");
    for (name, refused) in [
        (
            "bundle.tar",
            vec!["../evil.log", "/etc/evil.log", "passwd.log"],
        ),
        ("bundle.zip", vec!["../evil.log"]),
    ] {
        let out = succeeds(
            reconstruct()
                .current_dir(dir.path())
                .args(["--events", "--from", "14:00", "--to", "16:00", name]),
        );
        let events = String::from_utf8_lossy(&out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(events.lines().count(), 1, "{name}: {events}");
        assert!(
            events.contains(&format!("[{name}:checkout/app.log:1]")),
            "{name}: {events}"
        );
        for member in refused {
            let said = err
                .lines()
                .find(|l| l.contains(&format!("{name}:{member}")))
                .unwrap_or_else(|| panic!("{name}: nothing said of {member}: {err}"));
            assert!(
                said.contains("climbs out") || said.contains("absolute") || said.contains("link"),
                "{said}"
            );
        }
    }
}

/// A zip's deflated member that expands as no log does is stopped as gzip's are, the lines
/// before it kept.
#[test]
fn a_bomb_inside_a_zip_is_stopped() {
    let mut text =
        b"2025-03-18 14:05:00.000 ERROR [main] c.a.Checkout - before the bomb\n".to_vec();
    for _ in 0..100 {
        text.extend(std::iter::repeat_n(b' ', 1 << 20));
        text.push(b'\n');
    }
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("bundle.zip"), zip_of(&[("app.log", text)])).expect("write");
    assert!(
        fs::metadata(dir.path().join("bundle.zip"))
            .expect("zip")
            .len()
            < 400 << 10
    );
    let out = succeeds(reconstruct().current_dir(dir.path()).args([
        "--events",
        "--from",
        "14:00",
        "--to",
        "16:00",
        "bundle.zip",
    ]));
    let events = String::from_utf8_lossy(&out.stdout);
    assert!(events.contains("before the bomb"), "{events}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("decompression bomb"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A tarball cut short (a copy interrupted): the members before the cut are read, the one it
/// cut up to its last whole line, and the run says where the archive broke off.
#[test]
fn a_tarball_cut_short_keeps_what_is_before_the_cut() {
    let line =
        |n: u32| format!("2025-03-18 14:{n:02}:00.000 ERROR [main] c.a.Checkout - failure {n}\n");
    let first: String = (0..10).map(line).collect();
    let second: String = (10..50).map(line).collect::<String>().repeat(200);
    let tar = tar_of(&[
        ("checkout/app.log", first.into_bytes()),
        ("checkout/app.log.1", second.into_bytes()),
    ]);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).expect("gzip");
    let bytes = gz.finish().expect("gzip");
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("cut.tgz"), &bytes[..bytes.len() * 2 / 3]).expect("write");
    let out = succeeds(
        reconstruct()
            .current_dir(dir.path())
            .args(["--events", "--from", "14:00", "--to", "16:00", "cut.tgz"]),
    );
    let events = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    for n in 0..10 {
        assert!(
            events.contains(&format!("failure {n} [cut.tgz:checkout/app.log:{}]", n + 1)),
            "{events}"
        );
    }
    assert!(
        events.contains("[cut.tgz:checkout/app.log.1:1]"),
        "{events}"
    );
    assert!(err.contains("before it breaks off"), "{err}");
    assert!(err.contains("kept the"), "{err}");
}
