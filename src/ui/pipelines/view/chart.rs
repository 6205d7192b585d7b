//! The experiment's charts as the shared chart specs ([`crate::ui::widgets::chart::spec::ChartSpec`]), so
//! they are painted by the same plotters canvas as the sandbox's. The two variants differ by
//! dash pattern and marker as well as colour: without Kafka solid with squares, with Kafka
//! dashed with circles.

use crate::ui::widgets::chart::spec::{ChartSeries, ChartSpec, Dash, Marker};

use super::experiment::ChartData;

/// A marker every this many seconds, and one at the end of each line.
const MARKER_EVERY: usize = 10;

fn style(key: &str) -> (&'static str, Dash, Marker) {
    match key {
        "with" => ("#0072B2", Dash::Dashed, Marker::Circle),
        _ => ("#D55E00", Dash::Solid, Marker::Square),
    }
}

/// The chart spec for one experiment chart; x is seconds after the burst starts.
pub fn spec(data: &ChartData) -> ChartSpec {
    let len = data.lines.iter().map(|l| l.values.len()).max().unwrap_or(0);
    let top = data
        .lines
        .iter()
        .flat_map(|l| l.values.iter().copied())
        .fold(0.0_f64, f64::max);
    let series: Vec<ChartSeries> = data
        .lines
        .iter()
        .map(|line| {
            let (colour, dash, marker) = style(line.key);
            let points: Vec<(f64, f64)> = line
                .values
                .iter()
                .enumerate()
                .map(|(s, v)| (s as f64, *v))
                .collect();
            let mut markers: Vec<(f64, f64)> = points
                .iter()
                .copied()
                .enumerate()
                .filter(|(i, _)| i % MARKER_EVERY == MARKER_EVERY / 2)
                .map(|(_, p)| p)
                .collect();
            markers.extend(points.last().copied());
            ChartSeries {
                label: line.label.clone(),
                colour,
                dash,
                marker,
                segments: if points.is_empty() {
                    Vec::new()
                } else {
                    vec![points]
                },
                markers,
            }
        })
        .collect();
    let summary = format!(
        "{} over {} seconds: {}.",
        data.title,
        len.saturating_sub(1),
        data.lines
            .iter()
            .map(|l| {
                let peak = l.values.iter().copied().fold(0.0_f64, f64::max);
                let last = l.values.last().copied().unwrap_or(0.0);
                format!("{} peaks at {peak:.0} and ends at {last:.0}", l.label)
            })
            .collect::<Vec<_>>()
            .join("; ")
    );
    ChartSpec {
        key: data.key,
        title: data.title,
        y_label: data.y_label,
        x_range: (0.0, (len.max(2) - 1) as f64),
        y_max: (top * 1.1).max(5.0),
        integer_y: true,
        // No cursor: the experiment is a finished run, not a moment in one.
        cursor_s: -1.0,
        series,
        note: None,
        summary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::pipelines::view::experiment::Line;

    fn data(a: Vec<f64>, b: Vec<f64>) -> ChartData {
        ChartData {
            key: "queue",
            title: "Waiting submissions",
            y_label: "waiting",
            lines: vec![
                Line {
                    label: "Without Kafka".to_owned(),
                    key: "without",
                    values: a,
                },
                Line {
                    label: "With Kafka".to_owned(),
                    key: "with",
                    values: b,
                },
            ],
        }
    }

    #[test]
    fn the_variants_differ_by_dash_and_marker_not_only_colour() {
        let chart = spec(&data(
            vec![0.0, 10.0, 130.0, 40.0],
            vec![0.0, 5.0, 5.0, 0.0],
        ));
        let (a, b) = (&chart.series[0], &chart.series[1]);
        assert_ne!(a.dash, b.dash);
        assert_ne!(a.marker, b.marker);
        assert_eq!(chart.x_range, (0.0, 3.0));
        assert!(chart.y_max >= 130.0);
        assert_eq!(
            a.markers.last(),
            Some(&(3.0, 40.0)),
            "each line ends in its marker"
        );
        assert!(chart
            .summary
            .contains("Without Kafka peaks at 130 and ends at 40"));
        assert!(chart.cursor_s < chart.x_range.0, "no cursor is drawn");
    }

    #[test]
    fn an_empty_chart_is_still_a_chart() {
        let chart = spec(&data(vec![], vec![]));
        assert!(chart.x_range.1 > chart.x_range.0);
        assert!(chart.y_max > 0.0);
        assert!(chart.series.iter().all(|s| s.segments.is_empty()));
    }
}
