//! The picture's geometry: its constants (in the SVG's units), where the brokers go
//! ([`Frame`]), how tall a broker's box is, and which replica rows each broker holds.

use super::*;

// Geometry, in the SVG's units.
pub(super) const LANDSCAPE_WIDTH: f64 = 1000.0;
pub(super) const PORTRAIT_WIDTH: f64 = 400.0;
pub(super) const MARGIN: f64 = 10.0;
pub(super) const CLIENT_TOP: f64 = 8.0;
pub(super) const CLIENT_HEIGHT: f64 = 48.0;
pub(super) const CLIENT_GAP: f64 = 10.0;
pub(super) const CLIENT_MAX_WIDTH: f64 = 156.0;
/// Narrower than this, clients become chips.
pub(super) const CLIENT_MIN_WIDTH: f64 = 112.0;
pub(super) const CHIP_MIN_WIDTH: f64 = 44.0;
pub(super) const CHIP_GAP: f64 = 6.0;
/// Between the producers and the brokers (landscape): room for the replication brackets.
pub(super) const LANDSCAPE_TOP_BAND: f64 = 66.0;
pub(super) const LANDSCAPE_BOTTOM_BAND: f64 = 54.0;
pub(super) const PORTRAIT_BAND: f64 = 26.0;
pub(super) const PORTRAIT_LEFT_LANES: f64 = 36.0;
pub(super) const PORTRAIT_RIGHT_BRACKETS: f64 = 40.0;
pub(super) const BROKER_GAP: f64 = 16.0;
pub(super) const BROKER_HEADER: f64 = 40.0;
pub(super) const BROKER_PADDING: f64 = 10.0;
pub(super) const BROKER_MIN_HEIGHT: f64 = 140.0;
pub(super) const TOPIC_TITLE: f64 = 22.0;
pub(super) const LINE: f64 = 24.0;
pub(super) const ROW_HEIGHT: f64 = 74.0;
pub(super) const ROW_GAP: f64 = 2.0;
pub(super) const CELL_SIZE: f64 = 32.0;
pub(super) const CELL_PITCH: f64 = 36.0;
pub(super) const MAX_SLOTS: u64 = 16;
/// Fewer slots than this per row and the picture switches to bars.
pub(super) const MIN_SLOTS: u64 = 5;
pub(super) const COMPACT_ROW: f64 = 16.0;
pub(super) const COMPACT_COLUMN_MIN_WIDTH: f64 = 96.0;
pub(super) const COMPACT_LABEL_WIDTH: f64 = 44.0;

/// Replicas per broker drawn with cells; more and every replica becomes a bar.
pub const NORMAL_MAX_ROWS: usize = 6;
/// Replica rows drawn in the whole cluster; the rest are counted ("+n more"), so no topic
/// layout can make a frame too big to draw.
pub const MAX_DRAWN_REPLICAS: usize = 432;

/// A broker's replicas to draw, grouped by topic.
pub(super) type TopicRows = Vec<(Arc<str>, Vec<RowSource>)>;

/// A client's left edge, width, and whether it is a chip.
pub(super) type ClientPlace = (f64, f64, bool);

/// One replica to draw: its partition and the partition's index in its topic.
pub(super) struct RowSource {
    pub(super) tp: TopicPartition,
    pub(super) index: usize,
}

#[derive(Clone, Copy)]
pub(super) struct RowPlace {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) width: f64,
    pub(super) height: f64,
}

pub(super) fn compact_columns(broker_width: f64) -> usize {
    (((broker_width - 2.0 * BROKER_PADDING) / COMPACT_COLUMN_MIN_WIDTH).floor() as usize).max(1)
}

pub(super) fn content_height(
    groups: &TopicRows,
    has_internal: bool,
    compact: bool,
    broker_width: f64,
    row_cap: usize,
) -> f64 {
    let mut height = BROKER_HEADER + BROKER_PADDING;
    let mut drawn = 0usize;
    let mut hidden = 0usize;
    for (_, sources) in groups {
        let shown = sources.len().min(row_cap.saturating_sub(drawn));
        hidden += sources.len() - shown;
        if shown == 0 {
            continue;
        }
        drawn += shown;
        height += TOPIC_TITLE;
        height += if compact {
            shown.div_ceil(compact_columns(broker_width)) as f64 * COMPACT_ROW + 6.0
        } else {
            shown as f64 * (ROW_HEIGHT + ROW_GAP)
        };
    }
    if hidden > 0 {
        height += LINE;
    }
    if has_internal {
        height += LINE;
    }
    height.max(BROKER_MIN_HEIGHT)
}

/// Where the brokers go, for one shape and broker count.
pub(super) struct Frame {
    pub(super) shape: Shape,
    pub(super) broker_count: usize,
    pub(super) broker_width: f64,
    pub(super) brokers_top: f64,
}

impl Frame {
    pub(super) fn new(shape: Shape, width: f64, broker_count: usize) -> Frame {
        match shape {
            Shape::Landscape => Frame {
                shape,
                broker_count,
                broker_width: (width - 2.0 * MARGIN - (broker_count - 1) as f64 * BROKER_GAP)
                    / broker_count as f64,
                brokers_top: CLIENT_TOP + CLIENT_HEIGHT + LANDSCAPE_TOP_BAND,
            },
            Shape::Portrait => Frame {
                shape,
                broker_count,
                broker_width: width - PORTRAIT_LEFT_LANES - PORTRAIT_RIGHT_BRACKETS,
                brokers_top: CLIENT_TOP + CLIENT_HEIGHT + PORTRAIT_BAND,
            },
        }
    }

    /// Cells per replica row: the log's tail plus the slot where the next record lands.
    pub(super) fn slots(&self) -> u64 {
        let inner = self.broker_width - 2.0 * BROKER_PADDING;
        (((inner + CELL_PITCH - CELL_SIZE) / CELL_PITCH).floor() as u64).min(MAX_SLOTS)
    }

    pub(super) fn broker_boxes(&self, heights: &[f64]) -> Vec<(f64, f64, f64, f64)> {
        match self.shape {
            Shape::Landscape => {
                let tallest = heights.iter().copied().fold(BROKER_MIN_HEIGHT, f64::max);
                (0..heights.len())
                    .map(|i| {
                        (
                            MARGIN + i as f64 * (self.broker_width + BROKER_GAP),
                            self.brokers_top,
                            self.broker_width,
                            tallest,
                        )
                    })
                    .collect()
            }
            Shape::Portrait => {
                let mut y = self.brokers_top;
                heights
                    .iter()
                    .map(|h| {
                        let placed = (PORTRAIT_LEFT_LANES, y, self.broker_width, *h);
                        y += h + BROKER_GAP;
                        placed
                    })
                    .collect()
            }
        }
    }
}

/// Where one topic's replica rows go in a broker's box: one row under the other, or, in the
/// compact picture, thin rows in columns.
pub(super) struct RowGrid {
    compact: bool,
    x: f64,
    width: f64,
    top: f64,
    shown: usize,
    per_column: usize,
    column_width: f64,
}

impl RowGrid {
    /// `shown` rows in a broker box at `x` of width `width`, starting at `top`.
    pub(super) fn new(compact: bool, x: f64, width: f64, top: f64, shown: usize) -> RowGrid {
        let columns = compact_columns(width);
        RowGrid {
            compact,
            x,
            width,
            top,
            shown,
            per_column: shown.div_ceil(columns),
            column_width: (width - 2.0 * BROKER_PADDING) / columns as f64,
        }
    }

    /// The place of the `n`th row.
    pub(super) fn place(&self, n: usize) -> RowPlace {
        if self.compact {
            let column = n / self.per_column;
            RowPlace {
                x: self.x + BROKER_PADDING + column as f64 * self.column_width,
                y: self.top + (n % self.per_column) as f64 * COMPACT_ROW,
                width: self.column_width - 6.0,
                height: COMPACT_ROW,
            }
        } else {
            RowPlace {
                x: self.x + BROKER_PADDING,
                y: self.top + n as f64 * (ROW_HEIGHT + ROW_GAP),
                width: self.width - 2.0 * BROKER_PADDING,
                height: ROW_HEIGHT,
            }
        }
    }

    /// How far the rows reach below `top`.
    pub(super) fn height(&self) -> f64 {
        if self.compact {
            self.per_column as f64 * COMPACT_ROW + 6.0
        } else {
            self.shown as f64 * (ROW_HEIGHT + ROW_GAP)
        }
    }
}
