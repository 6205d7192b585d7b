//! What a chart is, as plain data: its series with colours, dash patterns and markers (so no
//! line is told apart by colour alone), its axes and its text alternative. The sandbox's charts
//! and the pipelines page's experiment build these; [`super::canvas`] has them painted and
//! [`super::legend`] lists their series. [`PaintSpec`] is the part the painter needs, which
//! crosses to it packed.

use serde::{Deserialize, Serialize};

/// How a line is dashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// The mark drawn on a line every few points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Cross,
}

/// One line: its legend entry and its points (seconds, value), broken where data is missing.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSeries {
    pub label: String,
    pub colour: &'static str,
    pub dash: Dash,
    pub marker: Marker,
    pub segments: Vec<Vec<(f64, f64)>>,
    /// The points that carry a marker (a regular subset of the segments' points).
    pub markers: Vec<(f64, f64)>,
}

/// One chart.
#[derive(Clone, Debug, PartialEq)]
pub struct ChartSpec {
    /// A stable name, for tests and element ids.
    pub key: &'static str,
    pub title: &'static str,
    pub y_label: &'static str,
    /// Seconds of simulated time.
    pub x_range: (f64, f64),
    pub y_max: f64,
    /// Whether values are whole numbers (axis labels without decimals).
    pub integer_y: bool,
    /// The current time, in seconds, drawn as a vertical line.
    pub cursor_s: f64,
    pub series: Vec<ChartSeries>,
    /// Said under the legend, e.g. how many lines were left out.
    pub note: Option<String>,
    /// The chart's text alternative: its latest values in one sentence.
    pub summary: String,
}

/// What the painter ([`super::paint`]) draws: the axes and the lines, without the legend,
/// the note or the text alternative, which the page shows itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaintSpec {
    pub x_label: String,
    pub y_label: String,
    pub x_range: (f64, f64),
    pub y_max: f64,
    pub integer_y: bool,
    pub cursor_s: f64,
    pub series: Vec<PaintSeries>,
}

/// One line as the painter draws it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaintSeries {
    /// `#rrggbb`.
    pub colour: String,
    pub dash: Dash,
    pub marker: Marker,
    pub segments: Vec<Vec<(f64, f64)>>,
    pub markers: Vec<(f64, f64)>,
}

impl ChartSpec {
    /// The label under every chart's time axis.
    pub const X_LABEL: &'static str = "simulated time (s)";

    /// What the painter needs of this chart.
    pub fn paint_spec(&self) -> PaintSpec {
        PaintSpec {
            x_label: Self::X_LABEL.to_string(),
            y_label: self.y_label.to_string(),
            x_range: self.x_range,
            y_max: self.y_max,
            integer_y: self.integer_y,
            cursor_s: self.cursor_s,
            series: self
                .series
                .iter()
                .map(|s| PaintSeries {
                    colour: s.colour.to_string(),
                    dash: s.dash,
                    marker: s.marker,
                    segments: s.segments.clone(),
                    markers: s.markers.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::packed::{pack, unpack};

    #[test]
    fn a_paint_spec_crosses_to_the_painter_unchanged() {
        let chart = ChartSpec {
            key: "lag",
            title: "Lag",
            y_label: "records behind",
            x_range: (0.0, 30.0),
            y_max: 12.0,
            integer_y: true,
            cursor_s: 7.5,
            series: vec![ChartSeries {
                label: "billing".into(),
                colour: "#1f77b4",
                dash: Dash::Dotted,
                marker: Marker::Triangle,
                segments: vec![vec![(0.0, 1.0), (1.0, 2.5)], vec![(4.0, 0.0)]],
                markers: vec![(1.0, 2.5)],
            }],
            note: None,
            summary: "lag 0".into(),
        };
        let spec = chart.paint_spec();
        assert_eq!(spec.y_label, "records behind");
        assert_eq!(spec.series[0].colour, "#1f77b4");
        assert_eq!(unpack::<PaintSpec>(&pack(&spec), "the chart"), Ok(spec));
    }
}
