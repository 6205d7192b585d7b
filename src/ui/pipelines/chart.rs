//! A small SVG line chart for the experiment: axes with round ticks, one polyline per variant.
//! Lines differ by dash pattern and marker as well as colour, and each is named at its end.

use super::experiment::ChartData;

pub const WIDTH: f64 = 480.0;
pub const HEIGHT: f64 = 260.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 44.0;

#[derive(Clone, Debug, PartialEq)]
pub struct PlotLine {
    pub key: &'static str,
    pub label: String,
    /// SVG `points` of the polyline.
    pub points: String,
    /// Where the line ends, for its marker and name.
    pub end: (f64, f64),
    pub last_value: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlotView {
    pub key: &'static str,
    pub title: &'static str,
    pub y_label: &'static str,
    pub x_ticks: Vec<(f64, String)>,
    pub y_ticks: Vec<(f64, String)>,
    pub lines: Vec<PlotLine>,
    /// Plot area: left, top, right, bottom.
    pub area: (f64, f64, f64, f64),
    /// The chart in one sentence, for screen readers.
    pub summary: String,
}

/// A round step so that `max / step` gives at most about `ticks` intervals.
fn nice_step(max: f64, ticks: f64) -> f64 {
    let raw = (max / ticks).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= raw)
        .unwrap_or(10.0 * magnitude)
}

impl PlotView {
    pub fn build(data: &ChartData) -> PlotView {
        let len = data
            .lines
            .iter()
            .map(|l| l.values.len())
            .max()
            .unwrap_or(0)
            .max(2);
        let top_value = data
            .lines
            .iter()
            .flat_map(|l| l.values.iter().copied())
            .fold(0.0_f64, f64::max);
        let y_step = nice_step(top_value.max(1.0), 4.0);
        let y_max = ((top_value / y_step).ceil() * y_step).max(y_step);
        let x_max = (len - 1) as f64;
        let x_step = nice_step(x_max, 6.0);
        let (left, top, right, bottom) = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM);
        let x_at = |s: f64| left + (right - left) * s / x_max;
        let y_at = |v: f64| bottom - (bottom - top) * v / y_max;
        let x_ticks = (0..)
            .map(|k| k as f64 * x_step)
            .take_while(|s| *s <= x_max)
            .map(|s| (x_at(s), format!("{s:.0}")))
            .collect();
        let y_ticks = (0..)
            .map(|k| k as f64 * y_step)
            .take_while(|v| *v <= y_max)
            .map(|v| (y_at(v), format!("{v:.0}")))
            .collect();
        let lines: Vec<PlotLine> = data
            .lines
            .iter()
            .map(|line| {
                let points: Vec<(f64, f64)> = line
                    .values
                    .iter()
                    .enumerate()
                    .map(|(s, v)| (x_at(s as f64), y_at(*v)))
                    .collect();
                PlotLine {
                    key: line.key,
                    label: line.label.clone(),
                    points: points
                        .iter()
                        .map(|(x, y)| format!("{x:.1},{y:.1}"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    end: points.last().copied().unwrap_or((left, bottom)),
                    last_value: line.values.last().copied().unwrap_or(0.0),
                }
            })
            .collect();
        let summary = format!(
            "{} over {} seconds: {}.",
            data.title,
            len - 1,
            lines
                .iter()
                .map(|l| {
                    let peak = data
                        .lines
                        .iter()
                        .find(|d| d.key == l.key)
                        .map(|d| d.values.iter().copied().fold(0.0_f64, f64::max))
                        .unwrap_or(0.0);
                    format!(
                        "{} peaks at {peak:.0} and ends at {:.0}",
                        l.label, l.last_value
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        );
        PlotView {
            key: data.key,
            title: data.title,
            y_label: data.y_label,
            x_ticks,
            y_ticks,
            lines,
            area: (left, top, right, bottom),
            summary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::pipelines::experiment::Line;

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
    fn lines_stay_inside_the_plot_area() {
        let view = PlotView::build(&data(
            vec![0.0, 10.0, 130.0, 40.0],
            vec![0.0, 5.0, 5.0, 0.0],
        ));
        let (left, top, right, bottom) = view.area;
        for line in &view.lines {
            for point in line.points.split(' ') {
                let (x, y) = point.split_once(',').unwrap();
                let (x, y): (f64, f64) = (x.parse().unwrap(), y.parse().unwrap());
                assert!((left - 0.1..=right + 0.1).contains(&x), "x {x}");
                assert!((top - 0.1..=bottom + 0.1).contains(&y), "y {y}");
            }
        }
        assert_eq!(view.y_ticks.last().unwrap().1, "150");
        assert!(view
            .summary
            .contains("Without Kafka peaks at 130 and ends at 40"));
    }

    #[test]
    fn round_steps() {
        assert_eq!(nice_step(130.0, 4.0), 50.0);
        assert_eq!(nice_step(7.0, 4.0), 2.0);
        assert_eq!(nice_step(0.0, 4.0), 1.0);
        assert_eq!(nice_step(60.0, 6.0), 10.0);
    }

    #[test]
    fn an_empty_chart_still_has_axes() {
        let view = PlotView::build(&data(vec![], vec![]));
        assert!(!view.x_ticks.is_empty());
        assert!(!view.y_ticks.is_empty());
    }
}
