//! The race-rules fields shared by the event form and a track's own rules.

use crate::domain::rules::{RaceRules, Ranking};
use leptos::prelude::*;

fn ranking_kind(r: Ranking) -> &'static str {
    match r {
        Ranking::BestLap => "best_lap",
        Ranking::BestAverage { .. } => "best_average",
        Ranking::LapCount { .. } => "lap_count",
    }
}

fn ranking_laps(r: Ranking) -> u8 {
    match r {
        Ranking::BestLap => 3,
        Ranking::BestAverage { laps } | Ranking::LapCount { laps } => laps,
    }
}

fn with_ranking(kind: &str, laps: u8) -> Ranking {
    match kind {
        "best_average" => Ranking::BestAverage {
            laps: laps.clamp(3, 7),
        },
        "lap_count" => Ranking::LapCount { laps: laps.max(1) },
        _ => Ranking::BestLap,
    }
}

/// A select whose options are `(value, label)` pairs, bound to one rule.
#[component]
fn RuleSelect(
    id: String,
    label: &'static str,
    options: Vec<(String, String)>,
    #[prop(into)] current: Signal<String>,
    on_pick: impl Fn(String) + 'static,
) -> impl IntoView {
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let v = value.clone();
            view! { <option value=value selected=move || current.get() == v>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id on:change=move |ev| on_pick(event_target_value(&ev))>{options}</select>
        </div>
    }
}

/// Ranking method, its N, race time, resets per lap, runs per racer and shortest lap.
#[component]
pub fn RulesFields(rules: RwSignal<RaceRules>, #[prop(into)] prefix: String) -> impl IntoView {
    let id = move |name: &str| format!("{prefix}-{name}");
    let ranking_options = vec![
        ("best_lap".to_string(), "Fastest lap".to_string()),
        (
            "best_average".to_string(),
            "Best average of consecutive laps".to_string(),
        ),
        (
            "lap_count".to_string(),
            "Fastest to a number of laps".to_string(),
        ),
    ];
    let race_times = std::iter::once(("none".to_string(), "No time limit".to_string()))
        .chain((1..=10).map(|m| ((m * 60_000).to_string(), format!("{m} min"))))
        .collect();
    let resets = std::iter::once(("none".to_string(), "Unlimited".to_string()))
        .chain((0..=10).map(|n| (n.to_string(), n.to_string())))
        .collect();
    let runs = std::iter::once(("none".to_string(), "Unlimited".to_string()))
        .chain((1..=5).map(|n| (n.to_string(), n.to_string())))
        .collect();
    let opt = |v: Option<u64>| v.map_or("none".to_string(), |v| v.to_string());
    let laps_id = id("laps");
    let mut shortest: Vec<u64> = vec![0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000];
    // A value set elsewhere (e.g. 2.5 s through the API) stays choosable.
    let current_min = rules.get_untracked().min_lap_ms;
    if !shortest.contains(&current_min) {
        shortest.push(current_min);
        shortest.sort_unstable();
    }
    let shortest = shortest
        .into_iter()
        .map(|ms| {
            let label = if ms == 0 {
                "No minimum".to_string()
            } else {
                format!(
                    "{} s",
                    crate::domain::laptime::format_ms(ms)
                        .trim_end_matches('0')
                        .trim_end_matches('.')
                )
            };
            (ms.to_string(), label)
        })
        .collect();
    view! {
        <div class="field-row">
            <RuleSelect id=id("ranking") label="Ranking" options=ranking_options
                current=Signal::derive(move || ranking_kind(rules.get().ranking).to_string())
                on_pick=move |v| rules.update(|r| r.ranking = with_ranking(&v, ranking_laps(r.ranking))) />
            <Show when=move || !matches!(rules.get().ranking, Ranking::BestLap)>
                <div class="field narrow-field">
                    <label for=laps_id.clone()>"Laps"</label>
                    <input id=laps_id.clone() type="number" min="1" max="50"
                        prop:value=move || ranking_laps(rules.get().ranking).to_string()
                        on:change=move |ev| {
                            let laps = event_target_value(&ev).parse().unwrap_or(3);
                            rules.update(|r| r.ranking = with_ranking(ranking_kind(r.ranking), laps));
                        } />
                </div>
            </Show>
        </div>
        <div class="field-row">
            <RuleSelect id=id("race-time") label="Race time" options=race_times
                current=Signal::derive(move || opt(rules.get().race_time_ms))
                on_pick=move |v| rules.update(|r| r.race_time_ms = v.parse().ok()) />
            <RuleSelect id=id("resets") label="Resets per lap" options=resets
                current=Signal::derive(move || opt(rules.get().resets_per_lap.map(u64::from)))
                on_pick=move |v| rules.update(|r| r.resets_per_lap = v.parse().ok()) />
            <RuleSelect id=id("runs") label="Runs per racer" options=runs
                current=Signal::derive(move || opt(rules.get().runs_per_racer.map(u64::from)))
                on_pick=move |v| rules.update(|r| r.runs_per_racer = v.parse().ok()) />
            <RuleSelect id=id("min-lap") label="Shortest lap" options=shortest
                current=Signal::derive(move || rules.get().min_lap_ms.to_string())
                on_pick=move |v| rules.update(|r| r.min_lap_ms = v.parse().unwrap_or(r.min_lap_ms)) />
        </div>
        <div class="field-row">
            <RuleSelect id=id("time-up") label="When time runs out" options=vec![
                    ("counts".to_string(), "The lap in progress counts".to_string()),
                    ("zero".to_string(), "The race ends at zero".to_string()),
                ]
                current=Signal::derive(move || if rules.get().end_at_zero { "zero" } else { "counts" }.to_string())
                on_pick=move |v| rules.update(|r| r.end_at_zero = v == "zero") />
        </div>
        <p class="hint">"A lap key or timer crossing sooner than the shortest lap is not counted (a double press, two tabs at once, a bouncing strip)."</p>
    }
    // Erased: the typed view nests deep enough to exceed the compiler's limits.
    .into_any()
}
