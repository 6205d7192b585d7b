//! The animated diagram of one running pipeline, as positioned shapes: a box per node (its
//! shape by kind, its live figures, its provenance badge) and a line per edge, with marks that
//! move along the data edges as densely as records travel them.
//!
//! Positions come from the pipeline (a unit square). The layout is stretched only where two
//! boxes would overlap, so a crowded pipeline (Uber) gets a larger canvas rather than a jumble.

use crate::engine::sorted;
use crate::pipeline::model::{Behaviour, EdgeStyle, NodeKind, Tier, When};
use crate::pipeline::PipelineRun;

use super::badge::Badge;

pub const BOX_W: f64 = 156.0;
pub const BOX_H: f64 = 96.0;
const PAD: f64 = 14.0;
const GAP: f64 = 16.0;
const BASE_W: f64 = 1000.0;
const BASE_H: f64 = 560.0;
/// Simulated time a mark takes to travel an edge.
const TRAVEL_MS: u64 = 2_000;
/// The most marks on one edge; more would be a solid line.
const MAX_MARKS: usize = 8;
/// A group lagging by more than this many records is flagged. Lag counts committed offsets,
/// and members commit every 5 s (`auto.commit.interval.ms`), so a group that keeps up still
/// shows a lag of up to 5 s of records (25 at the standard load).
pub const LAG_ALERT: u64 = 50;
/// Characters per line of a node's label.
const LABEL_CHARS: usize = 17;

#[derive(Clone, Debug, PartialEq)]
pub struct NodeView {
    pub id: String,
    pub kind: NodeKind,
    /// What the shape means, in words (so meaning is not carried by shape alone).
    pub kind_label: String,
    /// Top-left corner and size.
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// The label, shortened and wrapped to at most two lines.
    pub lines: Vec<String>,
    pub full_label: String,
    /// Live figures, one or two short lines (`5.0/s`, `lag 3`).
    pub figures: Vec<String>,
    pub members: Option<u32>,
    pub lag: Option<u64>,
    /// Whether the simulation runs this node (drawn-only nodes are shown, not simulated).
    pub simulated: bool,
    pub badge: Badge,
    /// A failure story points at it.
    pub watched: bool,
    /// Its group lags by more than [`LAG_ALERT`] records.
    pub alert: bool,
    /// The tooltip: full label, kind, every figure.
    pub title: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct EdgeView {
    pub from: String,
    pub to: String,
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    pub style: EdgeStyle,
    pub tier: Tier,
    /// Taken only by failed records (retry topics, the DLQ).
    pub failure: bool,
    pub rate_per_sec: f64,
    /// Where the moving marks are now.
    pub marks: Vec<(f64, f64)>,
    pub title: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DiagramView {
    pub pipeline: String,
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<NodeView>,
    pub edges: Vec<EdgeView>,
    /// One sentence for screen readers.
    pub description: String,
}

/// What the diagram is built from besides the run.
pub struct DiagramInput<'a> {
    /// Records in and out per second, per node in the pipeline's order.
    pub in_per_sec: &'a [f64],
    pub out_per_sec: &'a [f64],
    /// Moving marks advance with simulated time; without animation they stand still.
    pub animate: bool,
    /// Nodes a failure story points at.
    pub watch: &'a [String],
}

pub fn kind_label(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Client => "client",
        NodeKind::Producer => "producer",
        NodeKind::Proxy => "proxy",
        NodeKind::Kafka => "KAFKA topic",
        NodeKind::Processor => "consumer group",
        NodeKind::Replicator => "replicator",
        NodeKind::Service => "service",
        NodeKind::Sink => "sink",
        NodeKind::External => "external",
        NodeKind::Control => "control plane",
        NodeKind::Audit => "audit",
    }
}

/// A label short enough for a box: the part before any parenthesis, wrapped on spaces into
/// at most two lines, the second ending in an ellipsis when something had to go.
pub fn wrap_label(label: &str) -> Vec<String> {
    let short = label.split(" (").next().unwrap_or(label).trim();
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut cut = false;
    for word in short.split_whitespace() {
        let fits = current.chars().count() + 1 + word.chars().count() <= LABEL_CHARS;
        if current.is_empty() || fits {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        } else {
            lines.push(std::mem::take(&mut current));
            if lines.len() == 2 {
                cut = true;
                break;
            }
            current.push_str(word);
        }
    }
    if !current.is_empty() && lines.len() < 2 {
        lines.push(current);
    }
    for line in &mut lines {
        if line.chars().count() > LABEL_CHARS {
            let kept: String = line.chars().take(LABEL_CHARS - 1).collect();
            *line = format!("{kept}…");
        }
    }
    if cut {
        if let Some(last) = lines.last_mut() {
            if !last.ends_with('…') {
                let kept: String = last.chars().take(LABEL_CHARS - 1).collect();
                *last = format!("{kept}…");
            }
        }
    }
    lines
}

/// Positions along one axis, in pixels from the first: proportional to the unit-square
/// coordinate at `scale` pixels per unit, but pushed apart by at least `need` wherever two
/// boxes would overlap on the other axis too (`other` in pixels, boxes `other_need` apart).
/// Nodes that share a coordinate stay aligned.
fn axis(primary: &[f64], other: &[f64], other_need: f64, scale: f64, need: f64) -> Vec<f64> {
    let mut values: Vec<f64> = primary.to_vec();
    sorted::sort_by(&mut values, f64::total_cmp);
    values.dedup();
    let mut at: Vec<f64> = Vec::with_capacity(values.len());
    for (k, &value) in values.iter().enumerate() {
        let mut pos = (value - values[0]) * scale;
        for (before, &earlier) in values[..k].iter().enumerate() {
            pos = pos.max(at[before] + (value - earlier) * scale);
            let clash = primary.iter().enumerate().any(|(i, &pi)| {
                pi == value
                    && primary
                        .iter()
                        .enumerate()
                        .any(|(j, &pj)| pj == earlier && (other[i] - other[j]).abs() < other_need)
            });
            if clash {
                pos = pos.max(at[before] + need);
            }
        }
        at.push(pos);
    }
    primary
        .iter()
        .map(|p| at[values.iter().position(|v| v == p).expect("listed")])
        .collect()
}

/// Box centres and the drawing's size: the pipeline's layout, stretched only where boxes
/// would overlap, so a crowded pipeline keeps a readable scale.
fn layout(points: &[(f64, f64)]) -> (Vec<(f64, f64)>, f64, f64) {
    let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let base_w = BASE_W - BOX_W - 2.0 * PAD;
    let base_h = BASE_H - BOX_H - 2.0 * PAD;
    let ys_px: Vec<f64> = ys.iter().map(|y| y * base_h).collect();
    let x_at = axis(&xs, &ys_px, BOX_H + GAP, base_w, BOX_W + GAP);
    let y_at = axis(&ys, &x_at, BOX_W + GAP, base_h, BOX_H + GAP);
    let width = x_at.iter().copied().fold(0.0, f64::max) + BOX_W + 2.0 * PAD;
    let height = y_at.iter().copied().fold(0.0, f64::max) + BOX_H + 2.0 * PAD;
    let centres = x_at
        .iter()
        .zip(&y_at)
        .map(|(x, y)| (PAD + BOX_W / 2.0 + x, PAD + BOX_H / 2.0 + y))
        .collect();
    (centres, width, height)
}

/// Where the line from a box's centre towards `(tx, ty)` leaves the box (plus a small margin).
fn leave_box(cx: f64, cy: f64, tx: f64, ty: f64) -> (f64, f64) {
    let (dx, dy) = (tx - cx, ty - cy);
    let half_w = BOX_W / 2.0 + 4.0;
    let half_h = BOX_H / 2.0 + 4.0;
    if dx == 0.0 && dy == 0.0 {
        return (cx, cy);
    }
    let scale_x = if dx != 0.0 {
        half_w / dx.abs()
    } else {
        f64::INFINITY
    };
    let scale_y = if dy != 0.0 {
        half_h / dy.abs()
    } else {
        f64::INFINITY
    };
    let scale = scale_x.min(scale_y).min(1.0);
    (cx + dx * scale, cy + dy * scale)
}

fn rate_text(per_sec: f64) -> String {
    if per_sec >= 100.0 {
        format!("{per_sec:.0}/s")
    } else {
        format!("{per_sec:.1}/s")
    }
}

impl DiagramView {
    pub fn build(run: &PipelineRun, input: &DiagramInput) -> DiagramView {
        let pipeline = run.pipeline();
        let points: Vec<(f64, f64)> = pipeline.nodes.iter().map(|n| (n.x, n.y)).collect();
        let (centres, width, height) = layout(&points);
        let nodes: Vec<NodeView> = pipeline
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| node_view(run, input, i, node, centres[i]))
            .collect();

        let now_ms = run.now_ms();
        let phase = if input.animate {
            (now_ms % TRAVEL_MS) as f64 / TRAVEL_MS as f64
        } else {
            0.5
        };
        let edges = pipeline
            .edges
            .iter()
            .enumerate()
            .filter_map(|(k, edge)| edge_view(pipeline, input, &centres, k, edge, phase))
            .collect();
        let kafka = pipeline
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::Kafka)
            .count();
        DiagramView {
            pipeline: pipeline.id.clone(),
            width,
            height,
            description: format!(
                "Diagram of {}: {} stages, {} of them Kafka topics, with live records per second and consumer lag.",
                pipeline.name,
                pipeline.nodes.len(),
                kafka
            ),
            nodes,
            edges,
        }
    }
}

/// The `i`th node's box centred on `(cx, cy)`, with its live figures and its tooltip.
fn node_view(
    run: &PipelineRun,
    input: &DiagramInput,
    i: usize,
    node: &crate::pipeline::model::Node,
    (cx, cy): (f64, f64),
) -> NodeView {
    let pipeline = run.pipeline();
    let rate = |rates: &[f64]| rates.get(i).copied().unwrap_or(0.0);
    let simulated = node.behaviour != Behaviour::Drawn;
    let lag = run.lag(&node.id);
    let members = run.members(&node.id);
    let figures = match &node.behaviour {
        Behaviour::Drawn => vec!["not simulated".to_owned()],
        Behaviour::Source { .. } => {
            vec![format!("{} out", rate_text(rate(input.out_per_sec)))]
        }
        Behaviour::Topic { .. } => vec![
            format!("{} in", rate_text(rate(input.in_per_sec))),
            format!("{} records", run.records_in(&node.id)),
        ],
        Behaviour::Processor(_) => {
            let mut lines = vec![rate_text(rate(input.in_per_sec))];
            if let Some(lag) = lag {
                let flag = if lag > LAG_ALERT { "⚠ " } else { "" };
                lines.push(format!("{flag}lag {lag}"));
            }
            lines
        }
        Behaviour::Stage { .. } | Behaviour::Sink => {
            vec![format!("{} in", rate_text(rate(input.in_per_sec)))]
        }
    };
    let kind_label = match members {
        Some(m) => format!("{} ×{m}", kind_label(node.kind)),
        None => kind_label(node.kind).to_owned(),
    };
    let badge = Badge::build(&node.provenance, &pipeline.sources);
    let mut title = format!("{} ({})", node.label, kind_label);
    if simulated {
        title.push_str(&format!(
            ". In {} records, out {}",
            run.records_in(&node.id),
            run.records_out(&node.id)
        ));
        if let Some(lag) = lag {
            title.push_str(&format!(", lag {lag}"));
        }
        if let Some(m) = members {
            title.push_str(&format!(", {m} members"));
        }
    } else {
        title.push_str(". Drawn for the story; the simulation does not run it");
    }
    title.push_str(&format!(". {}", badge.title));
    NodeView {
        id: node.id.clone(),
        kind: node.kind,
        kind_label,
        x: cx - BOX_W / 2.0,
        y: cy - BOX_H / 2.0,
        w: BOX_W,
        h: BOX_H,
        lines: wrap_label(&node.label),
        full_label: node.label.clone(),
        figures,
        members,
        lag,
        simulated,
        badge,
        watched: input.watch.contains(&node.id),
        alert: lag.is_some_and(|l| l > LAG_ALERT),
        title,
    }
}

/// The `k`th edge, beside its twin if a reply runs the other way, with its moving marks.
fn edge_view(
    pipeline: &crate::pipeline::Pipeline,
    input: &DiagramInput,
    centres: &[(f64, f64)],
    k: usize,
    edge: &crate::pipeline::model::Edge,
    phase: f64,
) -> Option<EdgeView> {
    let from = pipeline.node_index(&edge.from)?;
    let to = pipeline.node_index(&edge.to)?;
    let (fx, fy) = centres[from];
    let (tx, ty) = centres[to];
    // Two edges between the same two boxes (a request and its reply) are drawn
    // side by side rather than on top of each other.
    let twins = pipeline
        .edges
        .iter()
        .filter(|e| {
            (e.from == edge.from && e.to == edge.to) || (e.from == edge.to && e.to == edge.from)
        })
        .count();
    let offset = if twins > 1 {
        let rank = pipeline.edges[..k]
            .iter()
            .filter(|e| {
                (e.from == edge.from && e.to == edge.to) || (e.from == edge.to && e.to == edge.from)
            })
            .count() as f64;
        (rank - (twins as f64 - 1.0) / 2.0) * 12.0
    } else {
        0.0
    };
    let length = ((tx - fx).powi(2) + (ty - fy).powi(2)).sqrt().max(1.0);
    let (nx, ny) = (-(ty - fy) / length * offset, (tx - fx) / length * offset);
    let (x1, y1) = leave_box(fx + nx, fy + ny, tx + nx, ty + ny);
    let (x2, y2) = leave_box(tx + nx, ty + ny, fx + nx, fy + ny);
    let rate_per_sec = if edge.style == EdgeStyle::Data {
        edge_rate(pipeline, input, from, to)
    } else {
        0.0
    };
    let count = if rate_per_sec < 0.05 {
        0
    } else {
        (rate_per_sec.round() as usize).clamp(1, MAX_MARKS)
    };
    let marks = (0..count)
        .map(|m| {
            let t = (m as f64 + phase) / count as f64;
            (x1 + (x2 - x1) * t, y1 + (y2 - y1) * t)
        })
        .collect();
    let kind = match edge.style {
        EdgeStyle::Data => "records",
        EdgeStyle::Call => "call (not simulated)",
        EdgeStyle::Control => "configuration (not simulated)",
        EdgeStyle::Failover => "failover path (not in use)",
        EdgeStyle::Audit => "audit counts (not simulated)",
    };
    let badge = Badge::build(&edge.provenance, &pipeline.sources);
    Some(EdgeView {
        from: edge.from.clone(),
        to: edge.to.clone(),
        x1,
        y1,
        x2,
        y2,
        style: edge.style,
        tier: edge.tier,
        failure: edge.when == When::Failure,
        rate_per_sec,
        marks,
        title: format!(
            "{} → {}: {} ({kind}, {}; {:.1} records/s). {}",
            pipeline.nodes[from].label,
            pipeline.nodes[to].label,
            edge.label,
            edge.tier.label(),
            rate_per_sec,
            badge.title
        ),
    })
}

/// Records per second on the edge `from -> to`: the target's intake, shared between its
/// incoming data edges in proportion to what each sender puts out.
fn edge_rate(
    pipeline: &crate::pipeline::Pipeline,
    input: &DiagramInput,
    from: usize,
    to: usize,
) -> f64 {
    let get = |rates: &[f64], i: usize| rates.get(i).copied().unwrap_or(0.0);
    let intake = get(input.in_per_sec, to);
    let senders: Vec<usize> = pipeline
        .edges
        .iter()
        .filter(|e| e.style == EdgeStyle::Data && e.to == pipeline.nodes[to].id)
        .filter_map(|e| pipeline.node_index(&e.from))
        .collect();
    let total: f64 = senders.iter().map(|&s| get(input.out_per_sec, s)).sum();
    if senders.len() <= 1 || total <= 0.0 {
        return intake;
    }
    intake * get(input.out_per_sec, from) / total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{builtin, Load};
    use crate::ui::pipelines::view::rates::Rates;

    fn built(id: &str, until_ms: u64, animate: bool) -> DiagramView {
        let pipeline = builtin::by_id(id).unwrap();
        let mut run = PipelineRun::new(&pipeline, 1, Load::standard());
        let mut rates = Rates::default();
        for ms in (0..=until_ms).step_by(500) {
            run.advance_to(ms);
            rates.observe(&run);
        }
        let (ins, outs) = rates.per_second(&run);
        DiagramView::build(
            &run,
            &DiagramInput {
                in_per_sec: &ins,
                out_per_sec: &outs,
                animate,
                watch: &[],
            },
        )
    }

    #[test]
    fn no_two_boxes_overlap_in_any_builtin_pipeline() {
        for id in builtin::ids() {
            let view = built(&id, 0, false);
            for (i, a) in view.nodes.iter().enumerate() {
                assert!(a.x >= 0.0 && a.y >= 0.0, "{id}: {} is off the canvas", a.id);
                assert!(a.x + a.w <= view.width && a.y + a.h <= view.height);
                for b in &view.nodes[i + 1..] {
                    let apart = a.x + a.w <= b.x
                        || b.x + b.w <= a.x
                        || a.y + a.h <= b.y
                        || b.y + b.h <= a.y;
                    assert!(apart, "{id}: {} and {} overlap", a.id, b.id);
                }
            }
        }
    }

    #[test]
    fn kafka_topics_say_kafka_and_processors_show_members_and_lag() {
        let view = built("netflix", 10_000, false);
        let fk = view.nodes.iter().find(|n| n.id == "fk").unwrap();
        assert!(fk.kind_label.contains("KAFKA"));
        assert!(fk.figures[0].ends_with("/s in"));
        let router = view.nodes.iter().find(|n| n.id == "r_es").unwrap();
        assert_eq!(router.members, Some(2));
        assert!(router.kind_label.contains("×2"));
        assert!(router.figures.iter().any(|f| f.contains("lag")));
        let control = view.nodes.iter().find(|n| n.id == "ctl").unwrap();
        assert!(!control.simulated);
    }

    #[test]
    fn marks_move_along_busy_data_edges_only() {
        let view = built("netflix", 10_000, true);
        let into_fk = view
            .edges
            .iter()
            .find(|e| e.from == "apps" && e.to == "fk")
            .unwrap();
        assert!(
            into_fk.rate_per_sec > 3.0,
            "apps send {}",
            into_fk.rate_per_sec
        );
        assert!(!into_fk.marks.is_empty());
        let control = view
            .edges
            .iter()
            .find(|e| e.style == EdgeStyle::Control)
            .unwrap();
        assert!(control.marks.is_empty());
        // The marks sit on the edge's segment.
        for (x, y) in &into_fk.marks {
            let (lo_x, hi_x) = (into_fk.x1.min(into_fk.x2), into_fk.x1.max(into_fk.x2));
            let (lo_y, hi_y) = (into_fk.y1.min(into_fk.y2), into_fk.y1.max(into_fk.y2));
            assert!((lo_x - 0.01..=hi_x + 0.01).contains(x));
            assert!((lo_y - 0.01..=hi_y + 0.01).contains(y));
        }
    }

    #[test]
    fn marks_move_with_time_when_animated_and_stand_still_when_not() {
        let a = built("netflix", 10_000, true);
        let b = built("netflix", 10_500, true);
        let edge = |v: &DiagramView| {
            v.edges
                .iter()
                .find(|e| e.from == "fk" && e.to == "r_kf")
                .unwrap()
                .marks
                .clone()
        };
        assert_ne!(edge(&a), edge(&b));
        let still_a = built("netflix", 10_000, false);
        let still_b = built("netflix", 10_500, false);
        assert_eq!(edge(&still_a).len(), edge(&still_b).len());
        assert_eq!(edge(&still_a), edge(&still_b));
    }

    #[test]
    fn labels_wrap_into_two_short_lines() {
        assert_eq!(wrap_label("Elasticsearch"), vec!["Elasticsearch"]);
        assert_eq!(
            wrap_label("Fronting Kafka (topic per event stream)"),
            vec!["Fronting Kafka"]
        );
        let long = wrap_label("Load → online serving (user tags, promotions)");
        assert_eq!(long, vec!["Load → online", "serving"]);
        let cut = wrap_label("Rider/Driver/Eats apps, microservices and many more things");
        assert_eq!(cut.len(), 2);
        assert!(cut[1].ends_with('…'));
        for id in builtin::ids() {
            for node in builtin::by_id(&id).unwrap().nodes {
                for line in wrap_label(&node.label) {
                    assert!(line.chars().count() <= LABEL_CHARS, "{line}");
                }
            }
        }
    }
}
