//! Opening an input as a stream of decompressed bytes, recognising compression by its magic
//! bytes (a rotated `app.log.1` may be gzip; a `.gz` may be plain).

use super::{InputError, Location};
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
const XZ_MAGIC: &[u8] = &[0xfd, b'7', b'z', b'X', b'Z', 0x00];
const LZ4_MAGIC: &[u8] = &[0x04, 0x22, 0x4d, 0x18];
/// Logs compress ten to fifty times; a file that expands more than this is a decompression
/// bomb, or nothing a log writer made. Checked once the output passes `BOMB_FLOOR`, so that
/// small, very repetitive files still read.
const BOMB_RATIO: u64 = 250;
const BOMB_FLOOR: u64 = 64 << 20;

/// The compression a file's first bytes announce: `gzip`, `zstd`, `xz`, `bzip2`, `lz4`, or
/// none.
pub fn compression(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(GZIP_MAGIC) {
        Some("gzip")
    } else if head.starts_with(ZSTD_MAGIC) {
        Some("zstd")
    } else if head.starts_with(XZ_MAGIC) {
        Some("xz")
    } else if head.starts_with(LZ4_MAGIC) {
        Some("lz4")
    } else if bzip2_header(head) {
        Some("bzip2")
    } else {
        None
    }
}

/// `BZh` and a block size from `1` to `9`, then a block's or the end's magic (`1AY&SY`, or
/// `\x17rE8P` for an empty stream): six bytes more than a text file would open with by chance.
fn bzip2_header(head: &[u8]) -> bool {
    const BLOCK: &[u8] = &[0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
    const END: &[u8] = &[0x17, 0x72, 0x45, 0x38, 0x50, 0x90];
    head.len() >= 10
        && head.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&head[3])
        && (head[4..10] == *BLOCK || head[4..10] == *END)
}

/// Whether a stream opens with a UTF-16 byte-order mark (little- or big-endian).
fn utf16(head: &[u8]) -> bool {
    head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff])
}

/// An opened input: its byte stream and what it was compressed with, for messages.
pub struct Opened {
    pub reader: Box<dyn Read + Send>,
    pub compression: Option<&'static str>,
}

pub fn open(location: &Location, display: &str) -> Result<Opened, InputError> {
    let io_err = |source| InputError::Io {
        path: display.to_string(),
        source,
    };
    let raw: Box<dyn Read + Send> = match location {
        Location::Stdin => Box::new(io::stdin()),
        Location::File(p) | Location::Stream(p) => Box::new(File::open(p).map_err(io_err)?),
        // A table has no bytes of its own to open: its rows are queried for a window.
        Location::Table(_) => {
            return Err(io_err(io::Error::new(
                io::ErrorKind::Unsupported,
                "a ClickHouse table is queried, not opened",
            )))
        }
        Location::Member(member) => match member.bytes(display).map_err(io_err)? {
            // A zip's deflated member, inflated under a guard of its own.
            (bytes, true) => {
                let read_in = Arc::new(AtomicU64::new(0));
                let counted = Counted {
                    inner: bytes,
                    count: read_in.clone(),
                };
                Box::new(Guarded {
                    inner: Box::new(flate2::read::DeflateDecoder::new(counted)),
                    read_in,
                    written: 0,
                })
            }
            (bytes, false) => bytes,
        },
    };
    let read_in = Arc::new(AtomicU64::new(0));
    let counted = Counted {
        inner: raw,
        count: read_in.clone(),
    };
    let mut buffered = BufReader::with_capacity(64 * 1024, counted);
    let head = buffered.fill_buf().map_err(io_err)?;
    let guarded = |decoder: Box<dyn Read + Send>| -> Box<dyn Read + Send> {
        Box::new(Guarded {
            inner: decoder,
            read_in,
            written: 0,
        })
    };
    let compressed = compression(head);
    let reader: Box<dyn Read + Send> = match compressed {
        Some("gzip") => guarded(Box::new(flate2::bufread::MultiGzDecoder::new(buffered))),
        // Concatenated streams, as `cat a.xz b.xz` and log rotators that append make them.
        Some("xz") => guarded(Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(
            buffered,
        ))),
        Some("bzip2") => guarded(Box::new(bzip2::bufread::MultiBzDecoder::new(buffered))),
        Some("lz4") => guarded(Box::new(Lz4Frames(Some(
            lz4_flex::frame::FrameDecoder::new(buffered),
        )))),
        Some(_) => guarded(Box::new(
            zstd::stream::read::Decoder::with_buffer(buffered).map_err(io_err)?,
        )),
        // Plain text is read straight from the file after the bytes already buffered (not
        // counted: only a decompressed stream's guard needs its input's size): the line reader
        // reads in large blocks of its own, and a buffer between them would only copy every
        // byte once more.
        None if utf16(head) => {
            // SQL Server's ERRORLOG and Windows tools write UTF-16 with a byte-order mark:
            // decoded to UTF-8 as it is read, so that its lines frame and parse as any text.
            Box::new(
                encoding_rs_io::DecodeReaderBytesBuilder::new()
                    .bom_sniffing(true)
                    .build(buffered),
            )
        }
        None => {
            let head = buffered.buffer().to_vec();
            Box::new(io::Cursor::new(head).chain(buffered.into_inner().inner))
        }
    };
    Ok(Opened {
        reader,
        compression: compressed,
    })
}

/// LZ4 frames one after another: the decoder ends with its frame, and the next (a file that
/// was appended to, or concatenated) is read by a decoder of its own.
struct Lz4Frames<R: BufRead>(Option<lz4_flex::frame::FrameDecoder<R>>);

impl<R: BufRead> Read for Lz4Frames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while let Some(decoder) = &mut self.0 {
            let n = decoder.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            let Some(mut rest) = self.0.take().map(|d| d.into_inner()) else {
                break;
            };
            if !rest.fill_buf()?.is_empty() {
                self.0 = Some(lz4_flex::frame::FrameDecoder::new(rest));
            }
        }
        Ok(0)
    }
}

/// Counts the compressed bytes read, for the bomb guard.
struct Counted {
    inner: Box<dyn Read + Send>,
    count: Arc<AtomicU64>,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A decompressed stream that fails once it expands more than [`BOMB_RATIO`] times: the
/// lines before are kept and the reader says why it stopped.
struct Guarded {
    inner: Box<dyn Read + Send>,
    read_in: Arc<AtomicU64>,
    written: u64,
}

impl Read for Guarded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.written += n as u64;
        let read_in = self.read_in.load(Ordering::Relaxed).max(1);
        if self.written > BOMB_FLOOR && self.written / read_in > BOMB_RATIO {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "it expands more than {BOMB_RATIO} times ({} MiB from {} KiB), which no log does: stopped as a decompression bomb",
                    self.written >> 20,
                    read_in >> 10
                ),
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(path: &std::path::Path) -> String {
        let mut out = String::new();
        let opened = open(&Location::File(path.to_path_buf()), "t").expect("open");
        opened
            .reader
            .take(1 << 20)
            .read_to_string(&mut out)
            .expect("read");
        out
    }

    #[test]
    fn gzip_and_zstd_by_magic_not_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let gz = dir.path().join("plain-name.log");
        let mut enc = flate2::write::GzEncoder::new(
            File::create(&gz).expect("create"),
            flate2::Compression::fast(),
        );
        enc.write_all(b"hello gzip\n").expect("write");
        enc.finish().expect("finish");
        assert_eq!(read_all(&gz), "hello gzip\n");

        let zst = dir.path().join("other.gz");
        std::fs::write(
            &zst,
            zstd::encode_all(&b"hello zstd\n"[..], 1).expect("zstd"),
        )
        .expect("write");
        assert_eq!(read_all(&zst), "hello zstd\n");
    }

    #[test]
    fn xz_bzip2_and_lz4_by_magic_concatenated_streams_too() {
        let dir = tempfile::tempdir().expect("tempdir");
        let xz = |text: &[u8]| {
            let mut enc = liblzma::write::XzEncoder::new(Vec::new(), 6);
            enc.write_all(text).expect("write");
            enc.finish().expect("xz")
        };
        let bz = |text: &[u8]| {
            let mut enc = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::best());
            enc.write_all(text).expect("write");
            enc.finish().expect("bzip2")
        };
        let lz4 = |text: &[u8]| {
            let mut enc = lz4_flex::frame::FrameEncoder::new(Vec::new());
            enc.write_all(text).expect("write");
            enc.finish().expect("lz4")
        };
        let (one, two) = (b"first stream\n", b"second stream\n");
        let cases = [
            ("app.log.1", [xz(one), xz(two)].concat()),
            ("app.log.2", [bz(one), bz(two)].concat()),
            ("app.log.3", [lz4(one), lz4(two)].concat()),
        ];
        for (name, bytes) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes).expect("write");
            assert_eq!(read_all(&path), "first stream\nsecond stream\n", "{name}");
        }
        // A text line that opens like bzip2 is still text.
        assert_eq!(compression(b"BZh9 is not a header\n"), None);
    }

    #[test]
    fn utf16_with_a_byte_order_mark_reads_as_utf8() {
        let dir = tempfile::tempdir().expect("tempdir");
        let text = "2023-10-11 14:00:01.12 spid12s     Starting up database 'master'.\r\n";
        for (name, bom, unit) in [
            (
                "le.log",
                [0xff, 0xfe],
                u16::to_le_bytes as fn(u16) -> [u8; 2],
            ),
            ("be.log", [0xfe, 0xff], u16::to_be_bytes),
        ] {
            let mut bytes = bom.to_vec();
            bytes.extend(text.encode_utf16().flat_map(unit));
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).expect("write");
            assert_eq!(read_all(&path), text, "{name}");
        }
    }
}
