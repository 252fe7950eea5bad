//! The built browser files (`/pkg`: the app's wasm, its JavaScript and the stylesheet).
//!
//! Pages name them under a version made of their content's hash (`/pkg/<hash>/drem.wasm`),
//! so a browser keeps them a year (`immutable`) and a new build is fetched at once under
//! its new name. Each is also served as gzip or brotli to browsers that accept it: the
//! compressed copies are made once, beside the files (`cargo leptos build --release
//! --precompress` makes them at build time; otherwise drem makes them at start-up, in
//! the background), so no request compresses 3 MB of wasm.

use axum::http::{header, HeaderValue};
use axum::Router;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// The built files in `site/pkg`, by path within it, sorted: the app's wasm, its
/// JavaScript and stylesheet, with a split build the staff pages' wasm parts and their
/// loader (all of one build: a part from another build would not fit), and the
/// spectators' build in `board/` (`app::ssr::bundle`). Compressed copies are not files
/// of their own.
fn files(site: &Path) -> Vec<String> {
    let pkg = site.join("pkg");
    let mut names = built_in(&pkg, "");
    names.extend(built_in(&pkg.join("board"), "board/"));
    names.sort();
    names
}

/// The built files directly in `dir`, named with `prefix`.
fn built_in(dir: &Path, prefix: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            [".wasm", ".js", ".css", ".json"]
                .iter()
                .any(|x| n.ends_with(x))
        })
        .map(|n| format!("{prefix}{n}"))
        .collect()
}

/// The version of the built files in `site/pkg`: the first 16 hex digits of their
/// content's SHA-256 (`dev` when they are missing, as in API tests).
pub fn version(site: &Path) -> String {
    let mut hasher = Sha256::new();
    let mut found = false;
    for name in files(site) {
        if let Ok(bytes) = std::fs::read(site.join("pkg").join(&name)) {
            hasher.update(name.as_bytes());
            hasher.update(&bytes);
            found = true;
        }
    }
    if !found {
        return "dev".into();
    }
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `/pkg/<version>/…` for a year; `/pkg/…` (a page from an older build, or a tool)
/// checked each time. Both take the gzip or brotli copy when there is one.
pub fn router<S: Clone + Send + Sync + 'static>(site: &Path, version: &str) -> Router<S> {
    let files = || {
        ServeDir::new(site.join("pkg"))
            .precompressed_br()
            .precompressed_gzip()
    };
    let forever = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    let revalidate = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    Router::new()
        .nest_service(
            &format!("/pkg/{version}"),
            tower::ServiceBuilder::new().layer(forever).service(files()),
        )
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(revalidate)
                .service(files()),
        )
}

/// Makes the gzip and brotli copies of the built files and the flags that are missing or
/// older than their file (in a blocking thread: brotli takes seconds on a large wasm). A
/// read-only site folder only means no copies: the files are served as they are.
pub fn precompress(site: PathBuf) {
    std::thread::spawn(move || {
        let pkg = files(&site)
            .into_iter()
            .map(|name| site.join("pkg").join(name));
        for file in pkg.chain(flags(&site)) {
            let Ok(bytes) = std::fs::read(&file) else {
                continue;
            };
            let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            for (suffix, compress) in [
                ("gz", gzip as fn(&[u8]) -> std::io::Result<Vec<u8>>),
                ("br", brotli),
            ] {
                let copy = file.with_file_name(format!("{name}.{suffix}"));
                if is_fresh(&copy, &file) {
                    continue;
                }
                if let Err(e) = compress(&bytes).and_then(|out| write_atomically(&copy, &out)) {
                    tracing::warn!(file = %copy.display(), error = %e, "no compressed copy");
                }
            }
        }
    });
}

/// The flags (`site/flags/*.svg`): a third of their size compressed, and a board shows
/// one per country.
fn flags(site: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(site.join("flags")) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "svg"))
        .collect()
}

fn is_fresh(copy: &Path, file: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((modified(copy), modified(file)), (Some(c), Some(f)) if c >= f)
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

fn brotli(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        // Quality 9 of 11: within a few percent of the best, many times faster.
        let mut writer = ::brotli::CompressorWriter::new(&mut out, 64 * 1024, 9, 22);
        writer.write_all(bytes)?;
    }
    Ok(out)
}

/// Written whole or not at all: a browser never gets half a copy.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, path)
}
