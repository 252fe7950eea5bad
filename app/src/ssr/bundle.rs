//! Which build of the browser code a page loads. The spectators' build (the app with
//! feature `board`: the leaderboard's code alone, in `pkg/board/`) goes with leaderboard
//! pages, where every phone in the hall comes in; every other page loads the full build.
//! Both hydrate the same server-rendered HTML: the board's route renders alike in both.

use leptos::config::LeptosOptions;
use std::path::Path;
use std::sync::OnceLock;

/// Where the spectators' build lies, under the built files' directory.
const BOARD_DIR: &str = "board";

/// `options` with the output of the build that a page at `path` should load: the
/// spectators' build for a leaderboard when it was built, the full one otherwise.
pub fn for_page(mut options: LeptosOptions, path: &str) -> LeptosOptions {
    if is_leaderboard(path) && board_built(&options) {
        options.output_name = format!("{BOARD_DIR}/{}", options.output_name).into();
    }
    options
}

/// `/events/{id}/leaderboard`, as the board's only route matches it.
fn is_leaderboard(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    matches!(segments.as_slice(), ["", "events", id, "leaderboard"] if !id.is_empty())
}

/// Whether the spectators' build is beside the full one (a build without it, as by
/// `cargo leptos build --project drem`, serves every page the full build).
fn board_built(options: &LeptosOptions) -> bool {
    static BUILT: OnceLock<bool> = OnceLock::new();
    *BUILT.get_or_init(|| {
        let dir = Path::new(options.site_root.as_ref())
            .join("pkg")
            .join(BOARD_DIR);
        ["js", "wasm"]
            .iter()
            .all(|ext| dir.join(format!("{}.{ext}", options.output_name)).is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::is_leaderboard;

    #[test]
    fn only_a_leaderboard_takes_the_spectators_build() {
        assert!(is_leaderboard("/events/abc/leaderboard"));
        assert!(is_leaderboard("/events/abc/leaderboard/"));
        assert!(!is_leaderboard("/events//leaderboard"));
        assert!(!is_leaderboard("/events/abc/overlay"));
        assert!(!is_leaderboard("/events/abc"));
        assert!(!is_leaderboard("/leaderboard"));
        assert!(!is_leaderboard("/x/events/abc/leaderboard"));
    }
}
