//! The lap chart: one bar per lap of the run, as tall as the lap is long, coloured as
//! on the overlay (purple event best, green own best, yellow valid, red invalid).

use crate::domain::commentary::lap_class;
use crate::domain::laptime::format_ms;
use crate::domain::race::Lap;
use leptos::prelude::*;

const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 180.0;
/// Room under the bars for lap numbers and over them for times.
const MARGIN: f64 = 18.0;

#[component]
pub fn LapChart(laps: Vec<Lap>, event_best: Option<u64>, own_best: Option<u64>) -> impl IntoView {
    if laps.is_empty() {
        return view! { <p class="empty">"No laps yet in this run."</p> }.into_any();
    }
    let longest = laps.iter().map(|l| l.time_ms).max().unwrap_or(1).max(1) as f64;
    // At least ten slots, so two laps do not fill the whole width.
    let slot = WIDTH / laps.len().max(10) as f64;
    let bars = laps
        .iter()
        .enumerate()
        .map(|(i, lap)| {
            let h = (lap.time_ms as f64 / longest) * (HEIGHT - 2.0 * MARGIN);
            let x = i as f64 * slot + slot * 0.15;
            let y = HEIGHT - MARGIN - h;
            let class = lap_class(lap.time_ms, lap.valid, event_best, own_best);
            let time = format_ms(lap.time_ms);
            view! {
                <g class=class>
                    <rect x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{:.1}", slot * 0.7) height=format!("{h:.1}") rx="3">
                        <title>{format!("Lap {}: {time}{}", i + 1, if lap.valid { "" } else { " (invalid)" })}</title>
                    </rect>
                    <text x=format!("{:.1}", x + slot * 0.35) y=format!("{:.1}", y - 4.0) class="chart-time">{time.clone()}</text>
                    <text x=format!("{:.1}", x + slot * 0.35) y=format!("{:.1}", HEIGHT - 4.0) class="chart-lap">{(i + 1).to_string()}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="lap-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label="Lap chart">
            {bars}
        </svg>
    }
    .into_any()
}
