//! What a chart is, as plain data: its series with colours, dash patterns and markers (so no
//! line is told apart by colour alone), its axes and its text alternative. The sandbox's charts
//! and the pipelines page's experiment build these; [`super::canvas`] paints them and
//! [`super::legend`] lists their series.

/// How a line is dashed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dash {
    Solid,
    Dashed,
    Dotted,
}

/// The mark drawn on a line every few points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
