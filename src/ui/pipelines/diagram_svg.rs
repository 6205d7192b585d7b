//! Draws a [`DiagramView`]: a shape per node kind (Kafka topics with a dark "KAFKA" band),
//! arrows for edges, dots moving along the data edges, and a provenance mark on every box.

use yew::prelude::*;

use super::view::diagram::{DiagramView, EdgeView, NodeView};
use crate::pipeline::model::{EdgeStyle, NodeKind, Tier};

#[derive(Properties, PartialEq)]
pub struct DiagramSvgProps {
    pub view: DiagramView,
}

fn edge_class(edge: &EdgeView) -> Classes {
    let style = match edge.style {
        EdgeStyle::Data => "data",
        EdgeStyle::Call => "call",
        EdgeStyle::Control => "control",
        EdgeStyle::Failover => "failover",
        EdgeStyle::Audit => "audit",
    };
    classes!(
        "edge",
        style,
        edge.failure.then_some("failure"),
        (edge.tier == Tier::Batch).then_some("batch")
    )
}

fn shape(node: &NodeView) -> Html {
    let (x, y, w, h) = (node.x, node.y, node.w, node.h);
    let kind = match node.kind {
        NodeKind::Kafka => "kafka",
        NodeKind::Processor => "processor",
        NodeKind::Producer | NodeKind::Client => "producer",
        NodeKind::Proxy => "proxy",
        NodeKind::Sink => "sink",
        NodeKind::Service | NodeKind::Replicator => "service",
        NodeKind::External | NodeKind::Control | NodeKind::Audit => "external",
    };
    let class = classes!(
        "shape",
        kind,
        (!node.simulated).then_some("drawn"),
        node.alert.then_some("alert")
    );
    match node.kind {
        NodeKind::Sink => {
            let e = 9.0;
            let d = format!(
                "M{x} {t} A{rx} {e} 0 0 1 {r} {t} L{r} {b} A{rx} {e} 0 0 1 {x} {b} Z M{x} {t} A{rx} {e} 0 0 0 {r} {t}",
                t = y + e,
                b = y + h - e,
                r = x + w,
                rx = w / 2.0
            );
            html! { <path class={class} d={d} /> }
        }
        NodeKind::Proxy => {
            let c = 14.0;
            let d = format!(
                "M{a} {y} L{b} {y} L{r} {m} L{b} {bt} L{a} {bt} L{x} {m} Z",
                a = x + c,
                b = x + w - c,
                r = x + w,
                m = y + h / 2.0,
                bt = y + h
            );
            html! { <path class={class} d={d} /> }
        }
        NodeKind::Processor => {
            // A second box behind the first: a group of members.
            html! {
                <>
                    <rect class={classes!("shape", "processor", "behind")} x={(x + 6.0).to_string()} y={(y + 6.0).to_string()}
                          width={w.to_string()} height={h.to_string()} rx="4" />
                    <rect class={class} x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="4" />
                </>
            }
        }
        NodeKind::Kafka => html! {
            <>
                <rect class={class} x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="4" />
                <rect class="kafka-band" x={x.to_string()} y={y.to_string()} width={w.to_string()} height="22" rx="4" />
            </>
        },
        NodeKind::Producer | NodeKind::Client => html! {
            <rect class={class} x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="26" />
        },
        _ => html! {
            <rect class={class} x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="10" />
        },
    }
}

fn node_view(node: &NodeView) -> Html {
    let cx = node.x + node.w / 2.0;
    let at = |dy: f64| (node.y + dy).to_string();
    let kafka = node.kind == NodeKind::Kafka;
    let badge = &node.badge;
    // The badge sits on the box's top edge, at the right.
    let bw = if badge.sourced { 34.0 } else { 22.0 };
    let badge_x = node.x + node.w - bw - 4.0;
    let badge_y = node.y - 10.0;
    html! {
        <g class={classes!("node", node.watched.then_some("watched"))} data-node={node.id.clone()}>
            <title>{ node.title.clone() }</title>
            if node.watched {
                <rect class="watch-ring" x={(node.x - 7.0).to_string()} y={(node.y - 7.0).to_string()}
                      width={(node.w + 14.0).to_string()} height={(node.h + 14.0).to_string()} rx="12" />
            }
            { shape(node) }
            <text class={classes!("node-kind", kafka.then_some("on-band"))} x={cx.to_string()} y={at(16.0)}>{ node.kind_label.clone() }</text>
            { for node.lines.iter().enumerate().map(|(i, line)| html! {
                <text class="node-label" x={cx.to_string()} y={at(39.0 + 18.0 * i as f64)}>{ line.clone() }</text>
            }) }
            { for node.figures.iter().enumerate().map(|(i, line)| html! {
                <text class={classes!("node-figure", (!node.simulated).then_some("muted"))} x={cx.to_string()}
                      y={at(if node.lines.len() > 1 { 77.0 } else { 62.0 } + 17.0 * i as f64)}>{ line.clone() }</text>
            }) }
            <g class={classes!("node-prov", if badge.sourced { "sourced" } else { "modelled" })}>
                <rect x={badge_x.to_string()} y={badge_y.to_string()} width={bw.to_string()} height="18" rx="4" />
                <text x={(badge_x + bw / 2.0).to_string()} y={(badge_y + 13.5).to_string()}>{ badge.short().to_owned() }</text>
            </g>
        </g>
    }
}

#[component(DiagramSvg)]
pub fn diagram_svg(props: &DiagramSvgProps) -> Html {
    let view = &props.view;
    let arrow = format!("arrow-{}", view.pipeline);
    html! {
        <svg class="pipe-diagram" viewBox={format!("-8 -14 {} {}", view.width + 16.0, view.height + 22.0)}
             role="img" aria-label={view.description.clone()} data-testid={format!("diagram-{}", view.pipeline)}>
            <defs>
                <marker id={arrow.clone()} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0 0 L10 5 L0 10 z" class="arrow-head" />
                </marker>
            </defs>
            <g class="edges">
                { for view.edges.iter().map(|edge| html! {
                    <g class="edge-group">
                        <title>{ edge.title.clone() }</title>
                        <line class={edge_class(edge)} x1={edge.x1.to_string()} y1={edge.y1.to_string()}
                              x2={edge.x2.to_string()} y2={edge.y2.to_string()} marker-end={format!("url(#{arrow})")} />
                    </g>
                }) }
            </g>
            <g class="nodes">
                { for view.nodes.iter().map(node_view) }
            </g>
            <g class="marks" aria-hidden="true">
                { for view.edges.iter().flat_map(|edge| edge.marks.iter().map(move |(x, y)| html! {
                    <circle class={classes!("mark", edge.failure.then_some("failure"))} cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="6" />
                })) }
            </g>
        </svg>
    }
}
