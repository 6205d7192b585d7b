//! What the four charts draw, built from a [`MetricsHistory`] as plain data: titles, axis
//! labels with units, series with colours, dash patterns and markers (so no line is told
//! apart by colour alone), the time cursor, and a one-sentence text alternative per chart.
//! The components only paint this.

use crate::engine::sorted;
use crate::engine::sorted::VecMap;
use crate::ui::sandbox::charts::metrics::LagRow;

use crate::engine::{SimTime, TopicPartition};
use crate::ui::sandbox::charts::metrics::{MetricsHistory, Reader, Sample};
use crate::ui::shell::palette::partition_colour;
use crate::ui::widgets::chart::spec::{ChartSeries, ChartSpec, Dash, Marker};

/// How much simulated time the charts show, ending at the cursor.
pub const DEFAULT_SPAN_MS: u64 = 60_000;

/// The shortest time axis, so the first seconds of a run are not squeezed into a corner.
pub const MIN_SPAN_MS: u64 = 20_000;

/// At most this many lag lines; the partitions with the largest lag are drawn.
pub const MAX_LAG_LINES: usize = 8;

/// Markers are drawn about this far apart (in points of the series), so a line stays a line.
const MARKER_EVERY: usize = 10;

const MARKERS: [Marker; 4] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Cross,
];
const DASHES: [Dash; 3] = [Dash::Solid, Dash::Dashed, Dash::Dotted];

/// The four charts.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartsView {
    pub charts: Vec<ChartSpec>,
}

fn seconds(time: SimTime) -> f64 {
    time.as_ms() as f64 / 1000.0
}

/// A series from one value per sample; `None` breaks the line.
fn series(
    label: String,
    colour: &'static str,
    dash: Dash,
    marker: Marker,
    samples: &[&Sample],
    value: impl Fn(usize, &Sample) -> Option<f64>,
) -> ChartSeries {
    let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut markers = Vec::new();
    let mut broken = true;
    for (index, sample) in samples.iter().enumerate() {
        match value(index, sample) {
            Some(y) => {
                let point = (seconds(sample.at), y);
                if broken {
                    segments.push(Vec::new());
                    broken = false;
                }
                segments.last_mut().expect("pushed").push(point);
                if index % MARKER_EVERY == MARKER_EVERY / 2 {
                    markers.push(point);
                }
            }
            None => broken = true,
        }
    }
    // A point with no neighbour draws no line, so it always gets a marker.
    for segment in &segments {
        if let [only] = segment.as_slice() {
            if !markers.contains(only) {
                markers.push(*only);
            }
        }
    }
    ChartSeries {
        label,
        colour,
        dash,
        marker,
        segments,
        markers,
    }
}

/// The top of the y axis: a little above the largest value, and at least `floor`.
fn y_max(series: &[ChartSeries], floor: f64) -> f64 {
    let top = series
        .iter()
        .flat_map(|s| s.segments.iter().flatten())
        .map(|(_, y)| *y)
        .fold(0.0_f64, f64::max);
    (top * 1.15).max(floor)
}

fn rate_text(rate: f64) -> String {
    format!("{}", rate.round() as u64)
}

/// Consumer-side colours for readers, after the producer's orange and vermilion (Okabe–Ito).
const READER_COLOURS: [&str; 4] = ["#0072B2", "#009E73", "#CC79A7", "#56B4E9"];

impl ChartsView {
    /// The charts for `span_ms` of simulated time ending at `cursor` (the current time).
    pub fn build(history: &MetricsHistory, cursor: SimTime, span_ms: u64) -> ChartsView {
        // Early in a run the axis grows from MIN_SPAN_MS to `span_ms`; then it scrolls.
        let end_ms = cursor.as_ms().max(MIN_SPAN_MS.min(span_ms));
        let start_ms = end_ms.saturating_sub(span_ms);
        let visible: Vec<&Sample> = history
            .samples()
            .iter()
            .filter(|s| s.at.as_ms() >= start_ms && s.at <= cursor)
            .collect();
        let x_range = (start_ms as f64 / 1000.0, end_ms as f64 / 1000.0);
        let cursor_s = seconds(cursor);
        let latest = visible.last().copied();
        let frame = |key, title, y_label, integer_y| ChartSpec {
            key,
            title,
            y_label,
            x_range,
            y_max: 1.0,
            integer_y,
            cursor_s,
            series: Vec::new(),
            note: None,
            summary: String::new(),
        };
        let charts = vec![
            rates_chart(
                frame("rates", "Produce and consume rates", "records/s", false),
                &visible,
                latest,
            ),
            lag_chart(
                frame("lag", "Consumer lag per partition", "records behind", true),
                &visible,
                latest,
            ),
            latency_chart(
                frame("latency", "End-to-end latency", "ms (send to poll)", true),
                &visible,
                latest,
            ),
            replication_chart(
                frame("replication", "In-sync replicas", "count", true),
                &visible,
                latest,
            ),
        ];
        ChartsView { charts }
    }
}

fn no_data(title: &str) -> String {
    format!("{title}: no data yet.")
}

fn rates_chart(mut chart: ChartSpec, samples: &[&Sample], latest: Option<&Sample>) -> ChartSpec {
    chart.series.push(series(
        "sent".into(),
        "#E69F00",
        Dash::Solid,
        Marker::Circle,
        samples,
        |_, s| Some(s.sent_per_second()),
    ));
    chart.series.push(series(
        "acknowledged".into(),
        "#D55E00",
        Dash::Dashed,
        Marker::Square,
        samples,
        |_, s| Some(s.acked_per_second()),
    ));
    let readers: Vec<Reader> = latest
        .map(|s| s.polled_per_second().into_keys().collect())
        .unwrap_or_default();
    for (index, reader) in readers.iter().enumerate() {
        chart.series.push(series(
            format!("polled by {reader}"),
            READER_COLOURS[index % READER_COLOURS.len()],
            DASHES[(index + 2) % DASHES.len()],
            MARKERS[(index + 2) % MARKERS.len()],
            samples,
            |_, s| Some(s.polled_per_second_by(reader)),
        ));
    }
    chart.y_max = y_max(&chart.series, 10.0);
    chart.summary = match latest {
        None => no_data(chart.title),
        Some(s) => {
            let mut text = format!(
                "{} at {:.1} s: sent {} records/s, acknowledged {} records/s",
                chart.title,
                seconds(s.at),
                rate_text(s.sent_per_second()),
                rate_text(s.acked_per_second()),
            );
            for (reader, rate) in s.polled_per_second() {
                text.push_str(&format!(
                    ", polled by {reader} {} records/s",
                    rate_text(rate)
                ));
            }
            text.push('.');
            text
        }
    };
    chart
}

fn lag_chart(mut chart: ChartSpec, samples: &[&Sample], latest: Option<&Sample>) -> ChartSpec {
    // Every row's lag per sample (computed once, as a build may run every frame), then the
    // rows with the largest lag in view. A sample's rows come in (reader, partition) order,
    // so a row is found in each sample by binary search rather than through a map per sample.
    let per_sample: Vec<&[LagRow]> = samples.iter().map(|s| s.lag_rows()).collect();
    let lag_in = |rows: &[LagRow], key: &(Reader, TopicPartition)| -> Option<u64> {
        rows.binary_search_by(|r| (&r.reader, &r.partition).cmp(&(&key.0, &key.1)))
            .ok()
            .and_then(|index| rows[index].position_lag)
    };
    let mut worst: VecMap<(&Reader, &TopicPartition), f64> = VecMap::new();
    for row in per_sample.iter().flat_map(|rows| rows.iter()) {
        let lag = row.position_lag.unwrap_or(0) as f64;
        let entry = worst.entry((&row.reader, &row.partition)).or_insert(0.0);
        *entry = entry.max(lag);
    }
    let rows: VecMap<(Reader, TopicPartition), f64> = worst
        .into_iter()
        .map(|((reader, partition), lag)| ((reader.clone(), partition.clone()), lag))
        .collect::<VecMap<_, _>>();
    let readers: Vec<&Reader> = {
        let mut readers: Vec<&Reader> = rows.keys().map(|(r, _)| r).collect();
        readers.dedup();
        readers
    };
    let mut chosen: Vec<(&(Reader, TopicPartition), f64)> =
        rows.iter().map(|(k, v)| (k, *v)).collect();
    // Largest lag first; ties keep reader and partition order (the sort is stable).
    sorted::sort_by(&mut chosen, |a, b| b.1.total_cmp(&a.1));
    let left_out = chosen.len().saturating_sub(MAX_LAG_LINES);
    chosen.truncate(MAX_LAG_LINES);
    sorted::sort_by(&mut chosen, |a, b| a.0.cmp(b.0));
    for (key, _) in chosen {
        let (reader, tp) = key;
        let reader_index = readers.iter().position(|r| *r == reader).unwrap_or(0);
        let label = if readers.len() > 1 {
            format!("{reader} · {tp}")
        } else {
            tp.to_string()
        };
        chart.series.push(series(
            label,
            partition_colour(tp.partition),
            DASHES[reader_index % DASHES.len()],
            MARKERS[(tp.partition as usize / 4 + tp.partition as usize) % MARKERS.len()],
            samples,
            |index, _| lag_in(per_sample[index], key).map(|lag| lag as f64),
        ));
    }
    if left_out > 0 {
        chart.note = Some(format!(
            "{left_out} partitions with less lag are not drawn."
        ));
    }
    chart.y_max = y_max(&chart.series, 5.0);
    chart.summary = match latest {
        None => no_data(chart.title),
        Some(s) => {
            let rows = s.lag_rows();
            if rows.is_empty() {
                format!("{}: no consumers.", chart.title)
            } else {
                let mut per_reader: VecMap<&Reader, (u64, u64, Option<&TopicPartition>, u64)> =
                    VecMap::new();
                for row in rows {
                    let entry = per_reader.entry(&row.reader).or_default();
                    let lag = row.position_lag.unwrap_or(0);
                    entry.0 += lag;
                    entry.1 += row.committed_lag.unwrap_or(0);
                    if entry.2.is_none() || lag > entry.3 {
                        entry.2 = Some(&row.partition);
                        entry.3 = lag;
                    }
                }
                let parts: Vec<String> = per_reader
                    .iter()
                    .map(|(reader, (position, committed, worst, worst_lag))| {
                        let worst = worst.map(|tp| format!(", most on {tp} ({worst_lag})")).unwrap_or_default();
                        format!("{reader} {position} records behind its position and {committed} behind its committed offsets{worst}")
                    })
                    .collect();
                format!(
                    "{} at {:.1} s: {}.",
                    chart.title,
                    seconds(s.at),
                    parts.join("; ")
                )
            }
        }
    };
    chart
}

fn latency_chart(mut chart: ChartSpec, samples: &[&Sample], latest: Option<&Sample>) -> ChartSpec {
    chart.series.push(series(
        "p50".into(),
        "#0072B2",
        Dash::Solid,
        Marker::Circle,
        samples,
        |_, s| s.latency_p50_ms.map(|ms| ms as f64),
    ));
    chart.series.push(series(
        "p99".into(),
        "#D55E00",
        Dash::Dashed,
        Marker::Triangle,
        samples,
        |_, s| s.latency_p99_ms.map(|ms| ms as f64),
    ));
    chart.y_max = y_max(&chart.series, 10.0);
    // The latest window that polled anything says the most.
    let last_timed = samples.iter().rev().find(|s| s.latency_p50_ms.is_some());
    chart.summary = match (latest, last_timed) {
        (None, _) => no_data(chart.title),
        (Some(_), None) => format!("{}: nothing consumed yet.", chart.title),
        (Some(_), Some(s)) => format!(
            "{} at {:.1} s: p50 {} ms, p99 {} ms.",
            chart.title,
            seconds(s.at),
            s.latency_p50_ms.unwrap_or(0),
            s.latency_p99_ms.unwrap_or(0),
        ),
    };
    chart
}

fn replication_chart(
    mut chart: ChartSpec,
    samples: &[&Sample],
    latest: Option<&Sample>,
) -> ChartSpec {
    chart.series.push(series(
        "smallest ISR (replicas)".into(),
        "#009E73",
        Dash::Solid,
        Marker::Circle,
        samples,
        |_, s| s.min_isr().map(f64::from),
    ));
    chart.series.push(series(
        "under-replicated partitions".into(),
        "#E69F00",
        Dash::Dashed,
        Marker::Square,
        samples,
        |_, s| Some(f64::from(s.under_replicated())),
    ));
    chart.series.push(series(
        "offline partitions".into(),
        "#D55E00",
        Dash::Dotted,
        Marker::Cross,
        samples,
        |_, s| Some(f64::from(s.offline())),
    ));
    let replicas = samples
        .iter()
        .flat_map(|s| s.partitions().values())
        .map(|p| p.replicas.len())
        .max()
        .unwrap_or(1) as f64;
    chart.y_max = y_max(&chart.series, replicas + 0.5);
    chart.summary = match latest {
        None => no_data(chart.title),
        Some(s) => format!(
            "{} at {:.1} s: smallest ISR {} of {} replicas, {} under-replicated and {} offline of {} partitions.",
            chart.title,
            seconds(s.at),
            s.min_isr().unwrap_or(0),
            s.partitions().values().map(|p| p.replicas.len()).max().unwrap_or(0),
            s.under_replicated(),
            s.offline(),
            s.partitions().len(),
        ),
    };
    chart
}

#[cfg(test)]
mod tests;
