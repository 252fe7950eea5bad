//! Model archives made to order, good and hostile: for this crate's tests, the server's
//! API and browser tests, the upload benchmark and the fuzz corpus. Entries are written
//! with raw headers, so a test can build what `tar` itself would refuse to (`..`
//! paths, links, devices).

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;

/// A realistic `model_metadata.json` of a discrete-action, camera-only model.
pub const METADATA: &str = r#"{
  "action_space": [
    {"steering_angle": -30, "speed": 0.5, "index": 0},
    {"steering_angle": -15, "speed": 0.8, "index": 1},
    {"steering_angle": 0, "speed": 1.0, "index": 2},
    {"steering_angle": 15, "speed": 0.8, "index": 3},
    {"steering_angle": 30, "speed": 0.5, "index": 4}
  ],
  "sensor": ["FRONT_FACING_CAMERA"],
  "neural_network": "DEEP_CONVOLUTIONAL_NETWORK_SHALLOW",
  "training_algorithm": "clipped_ppo",
  "action_space_type": "discrete",
  "version": "5"
}"#;

/// What kind of entry to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    HardLink,
    CharDevice,
}

/// One entry: its raw name, kind and content (a link's target for links).
#[derive(Debug, Clone)]
pub struct Entry {
    pub name: String,
    pub kind: Kind,
    pub data: Vec<u8>,
}

impl Entry {
    pub fn file(name: &str, data: impl Into<Vec<u8>>) -> Self {
        Entry {
            name: name.into(),
            kind: Kind::File,
            data: data.into(),
        }
    }

    pub fn other(name: &str, kind: Kind, target: &str) -> Self {
        Entry {
            name: name.into(),
            kind,
            data: target.as_bytes().to_vec(),
        }
    }
}

/// A tar of `entries` (not compressed).
pub fn tar(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in entries {
        let mut header = tar::Header::new_old();
        let raw = header.as_old_mut();
        let name = entry.name.as_bytes();
        let n = name.len().min(raw.name.len());
        raw.name[..n].copy_from_slice(&name[..n]);
        header.set_mode(0o644);
        header.set_mtime(1_700_000_000);
        let body: &[u8] = match entry.kind {
            Kind::File => {
                header.set_entry_type(tar::EntryType::Regular);
                &entry.data
            }
            Kind::Dir => {
                header.set_entry_type(tar::EntryType::Directory);
                &[]
            }
            Kind::Symlink | Kind::HardLink => {
                header.set_entry_type(if entry.kind == Kind::Symlink {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                });
                let link = &mut header.as_old_mut().linkname;
                let n = entry.data.len().min(link.len());
                link[..n].copy_from_slice(&entry.data[..n]);
                &[]
            }
            Kind::CharDevice => {
                header.set_entry_type(tar::EntryType::Char);
                &[]
            }
        };
        header.set_size(body.len() as u64);
        header.set_cksum();
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(body);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    // The end-of-archive marker: two zero blocks.
    out.resize(out.len() + 1024, 0);
    out
}

/// Gzip of `bytes`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// A `.tar.gz` of `entries`.
pub fn archive(entries: &[Entry]) -> Vec<u8> {
    gzip(&tar(entries))
}

/// Arbitrary, incompressible-looking model bytes of `len` (a frozen graph compresses
/// little, so neither should this).
pub fn model_bytes(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// A good model archive with a `model.pb` of `model_len` bytes.
pub fn good(model_len: usize) -> Vec<u8> {
    archive(&[
        Entry::file("model_metadata.json", METADATA),
        Entry::other("agent", Kind::Dir, ""),
        Entry::file("agent/model.pb", model_bytes(model_len)),
    ])
}
