//! The checker itself: reads an archive once, as a stream.

use crate::ModelFacts;
use md5::{Digest, Md5};
use std::cell::Cell;
use std::io::{self, Read};
use std::path::{Component, Path};
use std::rc::Rc;

/// What a model archive may hold at most.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_unpacked_bytes: u64,
    /// Unpacked bytes per compressed byte.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 1_000,
            max_unpacked_bytes: 1 << 30,
            max_ratio: 100,
        }
    }
}

/// Unpacked data below which the ratio is not judged: a small metadata file alone
/// compresses well without being a bomb.
const RATIO_GRACE_BYTES: u64 = 1 << 20;
/// The metadata is a few kilobytes; more is not a DeepRacer export.
const MAX_METADATA_BYTES: u64 = 1 << 20;
/// Header bytes between two entries (long names, PAX records): tar reads them whole
/// into memory, so they are capped far below the size limit.
const MAX_HEADER_BYTES: u64 = 64 << 10;

/// Why an archive is not a usable model, in words a racer understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the file is not a .tar.gz archive, or it is damaged or cut off")]
    Unreadable,
    #[error("the archive has no model_metadata.json")]
    NoMetadata,
    #[error("the archive has no agent/model.pb")]
    NoModel,
    #[error("model_metadata.json cannot be used: {0}")]
    BadMetadata(String),
    #[error("the archive holds an unsafe path: {0}")]
    UnsafePath(String),
    #[error("the archive holds a link ({0}); models never do")]
    Link(String),
    #[error("the archive holds a special file ({0}); models never do")]
    SpecialFile(String),
    #[error("the archive holds more than {0} files")]
    TooManyEntries(usize),
    #[error("the archive unpacks to more than {0} MB")]
    TooLarge(u64),
    #[error("the archive is compressed more than {0}:1, which no model is")]
    RatioTooHigh(u64),
    #[error("the archive holds a file name or header far longer than any model's")]
    HeaderTooLong,
    /// A car installs a model only from an archive with exactly one `.pb` file, found
    /// anywhere in it (`aws-deepracer-systems-pkg`, `model_loader_node.py`: "more than
    /// one models found in the archive, ignoring all of them").
    #[error("the archive holds {0} .pb files; a car installs only an archive with exactly one")]
    SeveralModels(usize),
    /// `tar -i` (and Python's `ignore_zeros`) read on past the end marker: whatever
    /// follows it could be unpacked by one and not seen by another.
    #[error("the archive has data after its end")]
    DataAfterEnd,
}

/// Counts bytes through a reader; the unpacked side also enforces the size and ratio
/// limits, leaving the reason in `tripped` (an io error loses it inside tar).
struct Counted<R> {
    inner: R,
    total: Rc<Cell<u64>>,
    guard: Option<Guard>,
}

struct Guard {
    compressed: Rc<Cell<u64>>,
    limits: Limits,
    tripped: Rc<Cell<Option<Problem>>>,
    /// Bytes read since the last entry's body: its headers, for the header cap.
    /// `read_entries` sets it to `None` while it reads a body.
    header_bytes: Rc<Cell<Option<u64>>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let total = self.total.get() + n as u64;
        self.total.set(total);
        if let Some(guard) = &self.guard {
            let headers = guard.header_bytes.get().map(|h| h + n as u64);
            if headers.is_some() {
                guard.header_bytes.set(headers);
            }
            let problem = if headers.is_some_and(|h| h > MAX_HEADER_BYTES) {
                Some(Problem::HeaderTooLong)
            } else if total > guard.limits.max_unpacked_bytes {
                Some(Problem::TooLarge(guard.limits.max_unpacked_bytes >> 20))
            } else if total > RATIO_GRACE_BYTES
                && total
                    > guard
                        .limits
                        .max_ratio
                        .saturating_mul(guard.compressed.get().max(1))
            {
                Some(Problem::RatioTooHigh(guard.limits.max_ratio))
            } else {
                None
            };
            if let Some(problem) = problem {
                guard.tripped.set(Some(problem));
                return Err(io::Error::other("limit exceeded"));
            }
        }
        Ok(n)
    }
}

/// Checks a model archive read from `input`.
pub fn check(input: impl Read, limits: &Limits) -> Result<ModelFacts, Problem> {
    let compressed = Rc::new(Cell::new(0));
    let tripped = Rc::new(Cell::new(None));
    let header_bytes = Rc::new(Cell::new(Some(0)));
    // Every gzip member, as gzip -d and tar read them, so the end-of-archive check
    // below sees what a second member holds.
    let gz = flate2::read::MultiGzDecoder::new(Counted {
        inner: input,
        total: Rc::clone(&compressed),
        guard: None,
    });
    let unpacked = Counted {
        inner: gz,
        total: Rc::new(Cell::new(0)),
        guard: Some(Guard {
            compressed,
            limits: *limits,
            tripped: Rc::clone(&tripped),
            header_bytes: Rc::clone(&header_bytes),
        }),
    };
    let mut archive = tar::Archive::new(unpacked);
    let result = read_entries(&mut archive, limits, &header_bytes).and_then(|found| {
        // After the end-of-archive marker only zero padding may follow (not a header).
        header_bytes.set(None);
        // Read to the end of the gzip stream (a cut-off or corrupted tail fails its
        // CRC); anything but zeros is data after the end, in whatever gzip member.
        only_zeros(archive.into_inner())?;
        found.into_facts()
    });
    // A limit tripped inside the stream is the real reason, whatever tar made of it.
    match (tripped.take(), result) {
        (Some(problem), _) => Err(problem),
        (None, result) => result,
    }
}

/// Reads `rest` to its end: `DataAfterEnd` unless every byte is zero.
fn only_zeros(mut rest: impl Read) -> Result<(), Problem> {
    let mut buffer = [0u8; 8192];
    let mut after_end = false;
    loop {
        let n = rest.read(&mut buffer).map_err(|_| Problem::Unreadable)?;
        if n == 0 {
            return if after_end {
                Err(Problem::DataAfterEnd)
            } else {
                Ok(())
            };
        }
        // Read on to the end all the same: a damaged tail is the truer reason.
        after_end |= buffer[..n].iter().any(|&b| b != 0);
    }
}

/// What the entries held.
#[derive(Default)]
struct Found {
    metadata: Option<Vec<u8>>,
    model_md5: Option<String>,
    openvino_files: Vec<String>,
    /// Every `.pb` file, wherever it lies (the car counts them all).
    pb_files: usize,
}

fn read_entries<R: Read>(
    archive: &mut tar::Archive<R>,
    limits: &Limits,
    header_bytes: &Cell<Option<u64>>,
) -> Result<Found, Problem> {
    let mut found = Found::default();
    let entries = archive.entries().map_err(|_| Problem::Unreadable)?;
    for (index, entry) in entries.enumerate() {
        if index >= limits.max_entries {
            return Err(Problem::TooManyEntries(limits.max_entries));
        }
        let mut entry = entry.map_err(|_| Problem::Unreadable)?;
        // The body is the size limits' business, not the header cap's.
        header_bytes.set(None);
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let name = safe_name(&raw)?;
        match entry.header().entry_type() {
            tar::EntryType::Directory => {
                header_bytes.set(Some(0));
                continue;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {}
            tar::EntryType::Symlink | tar::EntryType::Link => return Err(Problem::Link(raw)),
            _ => return Err(Problem::SpecialFile(raw)),
        }
        if name.ends_with(".pb") {
            found.pb_files += 1;
        }
        match name.as_str() {
            "model_metadata.json" => {
                let mut bytes = Vec::new();
                (&mut entry)
                    .take(MAX_METADATA_BYTES + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|_| Problem::Unreadable)?;
                if bytes.len() as u64 > MAX_METADATA_BYTES {
                    return Err(Problem::BadMetadata("it is far too large".into()));
                }
                found.metadata = Some(bytes);
            }
            "agent/model.pb" => {
                let mut hasher = Md5::new();
                io::copy(&mut entry, &mut HashWriter(&mut hasher))
                    .map_err(|_| Problem::Unreadable)?;
                found.model_md5 = Some(hex(&hasher.finalize()));
            }
            other => {
                if matches!(
                    other,
                    "agent/model.xml" | "agent/model.bin" | "agent/model.mapping"
                ) {
                    found.openvino_files.push(other.to_string());
                }
                // Read through it all the same: its bytes count toward the limits.
                io::copy(&mut entry, &mut io::sink()).map_err(|_| Problem::Unreadable)?;
            }
        }
        header_bytes.set(Some(0));
    }
    Ok(found)
}

impl Found {
    fn into_facts(self) -> Result<ModelFacts, Problem> {
        let metadata = self.metadata.ok_or(Problem::NoMetadata)?;
        let model_md5 = self.model_md5.ok_or(Problem::NoModel)?;
        if self.pb_files > 1 {
            return Err(Problem::SeveralModels(self.pb_files));
        }
        let parsed = metadata::parse(&metadata)?;
        Ok(ModelFacts {
            model_md5,
            metadata_md5: hex(&Md5::digest(&metadata)),
            openvino_files: self.openvino_files,
            ..parsed
        })
    }
}

/// The entry's name without a leading `./`; refuses absolute paths and `..`.
fn safe_name(raw: &str) -> Result<String, Problem> {
    let path = Path::new(raw);
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(Problem::UnsafePath(raw.to_string()))
            }
        }
    }
    if raw.contains('\\') || raw.contains('\0') {
        return Err(Problem::UnsafePath(raw.to_string()));
    }
    Ok(parts.join("/"))
}

struct HashWriter<'a>(&'a mut Md5);

impl io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[path = "metadata.rs"]
mod metadata;

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
