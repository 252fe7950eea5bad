//! What drem is doing, in Prometheus' text format (`GET /metrics`, for operators): live
//! subscribers by kind, frames sent, boards computed, how long a change takes to reach
//! its subscribers, and how long requests take. Each process has its own recorder (the
//! `metrics` crate's Prometheus exporter), so two drem processes in one test, or on one
//! machine, keep their own figures.

use metrics::{Counter, Gauge, Histogram, Key, Label, Level, Metadata, Recorder};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle, PrometheusRecorder};
use std::time::Instant;

static META: Metadata<'static> = Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// Seconds: from a millisecond to ten seconds.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The kinds of live stream, for the subscriber gauge.
#[derive(Debug, Clone, Copy)]
pub enum StreamKind {
    /// Leaderboards, landing pages and overlays (`/live/events/…`).
    Public,
    /// Race managers (`/live/tracks/…`).
    Track,
    /// Model pages (`/live/models`).
    Models,
    /// Car, fleet and timer pages (`/live/kit`).
    Kit,
}

impl StreamKind {
    fn label(self) -> &'static str {
        match self {
            StreamKind::Public => "public",
            StreamKind::Track => "track",
            StreamKind::Models => "models",
            StreamKind::Kit => "kit",
        }
    }
}

/// This process's metrics and the handles that record them.
pub struct Metrics {
    recorder: PrometheusRecorder,
    handle: PrometheusHandle,
    /// Boards computed (once per change of results per kept board, ideally).
    pub board_computations: Counter,
    /// How long computing a board took (its reads, ranking and frames).
    pub board_compute_seconds: Histogram,
    /// Messages written to live subscribers.
    pub frames_sent: Counter,
    /// From a change reaching this process to a subscriber's message being written.
    pub fan_out_seconds: Histogram,
}

impl Default for Metrics {
    fn default() -> Self {
        let recorder = PrometheusBuilder::new()
            .set_buckets(BUCKETS)
            .map(|b| b.build_recorder())
            .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
        let handle = recorder.handle();
        let counter = |name: &'static str| recorder.register_counter(&Key::from_name(name), &META);
        Self {
            board_computations: counter("drem_board_computations_total"),
            board_compute_seconds: recorder
                .register_histogram(&Key::from_name("drem_board_compute_seconds"), &META),
            frames_sent: counter("drem_live_frames_sent_total"),
            fan_out_seconds: recorder
                .register_histogram(&Key::from_name("drem_live_fan_out_seconds"), &META),
            recorder,
            handle,
        }
    }
}

impl Metrics {
    /// Every metric, in Prometheus' text format.
    pub fn render(&self) -> String {
        self.handle.render()
    }

    /// Folds the histograms' samples into their buckets, which otherwise hold every
    /// sample until the next scrape: with nobody scraping, 10,000 viewers would add
    /// 80 KB a lap for as long as drem runs. Called every few seconds.
    pub fn upkeep(&self) {
        self.handle.run_upkeep();
    }

    /// Counts a live subscriber of `kind` for as long as the returned guard lives.
    pub fn watching(&self, kind: StreamKind) -> Watching {
        let key = Key::from_parts(
            "drem_live_subscribers",
            vec![Label::new("kind", kind.label())],
        );
        let gauge = self.recorder.register_gauge(&key, &META);
        gauge.increment(1.0);
        Watching(gauge)
    }

    /// Records how long a request of `kind` (page, api, live, file) took.
    pub fn request_took(&self, kind: &'static str, since: Instant) {
        let key = Key::from_parts("drem_request_seconds", vec![Label::new("kind", kind)]);
        self.recorder
            .register_histogram(&key, &META)
            .record(since.elapsed().as_secs_f64());
    }
}

/// One live subscriber counted while this lives.
pub struct Watching(Gauge);

impl Drop for Watching {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}
