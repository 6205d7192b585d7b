//! The stage: the producer, the broker's partition lanes and the consumer, with every message
//! in flight drawn where it is on its link. SVG so it stays crisp on a projector.

use yew::prelude::*;

use crate::ui::tour::stage::view::{
    CellView, ClientText, FlightShape, FlightView, LaneView, StageView,
};

#[derive(Properties, PartialEq)]
pub struct StageSvgProps {
    pub view: StageView,
    pub producer: ClientText,
}

#[component(StageSvg)]
pub fn stage_svg(props: &StageSvgProps) -> Html {
    let view = &props.view;
    let layout = view.layout;
    let (bx, by, bw, bh) = layout.broker_box;
    let portrait = layout.height > layout.width;
    let description = format!(
        "Topic {} with {} partitions on {}: a producer sends records into the partition lanes and a consumer reads them.",
        view.topic,
        view.lanes.len(),
        view.broker_label
    );
    html! {
        <svg class={classes!("stage", portrait.then_some("portrait"))}
             viewBox={format!("0 0 {} {}", layout.width, layout.height)}
             role="img" aria-label={description}>
            <line class="link" x1={layout.producer_anchor.0.to_string()} y1={layout.producer_anchor.1.to_string()}
                  x2={if portrait { layout.producer_anchor.0 } else { bx }.to_string()}
                  y2={if portrait { by } else { layout.producer_anchor.1 }.to_string()} />
            <line class="link" x1={layout.broker_fetch_anchor.0.to_string()} y1={layout.broker_fetch_anchor.1.to_string()}
                  x2={layout.consumer_anchor.0.to_string()} y2={layout.consumer_anchor.1.to_string()} />

            { client_box("producer", &props.producer, layout.producer_box, false) }

            <g class="broker">
                <rect class="broker-box" x={bx.to_string()} y={by.to_string()} width={bw.to_string()} height={bh.to_string()} rx="14" />
                <text class="broker-name" x={(bx + 14.0).to_string()} y={(by + 28.0).to_string()}>
                    {format!("{} · topic {}", view.broker_label, view.topic)}
                </text>
                { for view.lanes.iter().map(|lane| lane_view(lane, view)) }
            </g>

            {
                match &view.consumer {
                    Some(consumer) => client_box("consumer", consumer, layout.consumer_box, false),
                    None => client_box("consumer", &ClientText {
                        name: "consumer".to_owned(),
                        setting: "not started".to_owned(),
                        value: String::new(),
                    }, layout.consumer_box, true),
                }
            }

            <g class="flights">
                { for view.flights.iter().map(|flight| flight_view(flight, view)) }
            </g>
        </svg>
    }
}

fn client_box(
    role: &'static str,
    text: &ClientText,
    (x, y, w, h): (f64, f64, f64, f64),
    waiting: bool,
) -> Html {
    let centre = (x + w / 2.0).to_string();
    html! {
        <g class={classes!("client", role, waiting.then_some("waiting"))} data-testid={role}>
            <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="12" />
            <text class="client-name" x={centre.clone()} y={(y + 32.0).to_string()}>{text.name.clone()}</text>
            <text class="client-setting" x={centre.clone()} y={(y + 56.0).to_string()}>{text.setting.clone()}</text>
            <text class="client-value" x={centre} y={(y + 77.0).to_string()}>{text.value.clone()}</text>
        </g>
    }
}

fn lane_view(lane: &LaneView, view: &StageView) -> Html {
    let layout = view.layout;
    let size = layout.cell_size;
    let top = lane.y - size / 2.0;
    let (bx, _, bw, _) = layout.broker_box;
    html! {
        <g class="lane" data-partition={lane.partition.to_string()}>
            <rect class="lane-track" x={(bx + 6.0).to_string()} y={(top - 6.0).to_string()}
                  width={(bw - 12.0).to_string()} height={(size + 12.0).to_string()} rx="10" />
            <g class="badge">
                <rect x={(layout.lane_label_x - 2.0).to_string()} y={(lane.y - 15.0).to_string()} width="40" height="30" rx="7"
                      fill={lane.badge_colour} />
                <text x={(layout.lane_label_x + 18.0).to_string()} y={(lane.y + 6.0).to_string()}>{format!("P{}", lane.partition)}</text>
            </g>
            if lane.hidden_before > 0 {
                <text class="hidden-count" x={(layout.lane_label_x + 18.0).to_string()} y={(lane.y + 34.0).to_string()}>
                    {format!("+{} earlier", lane.hidden_before)}
                </text>
            }
            { for lane.cells.iter().map(|cell| cell_view(cell, lane, view)) }
            <g class="next-slot">
                <rect x={lane.next_slot_x.to_string()} y={top.to_string()} width={size.to_string()} height={size.to_string()} rx="8" />
                <text class="cell-offset" x={(lane.next_slot_x + size / 2.0).to_string()} y={(top + size + 17.0).to_string()}>
                    {lane.log_end_offset.to_string()}
                </text>
            </g>
            {
                if let Some((offset, x)) = lane.position {
                    html! {
                        <g class="position" data-offset={offset.to_string()}>
                            <title>{format!("consumer position on P{}: next offset to read is {}", lane.partition, offset)}</title>
                            <path d={format!("M {} {} l -9 -12 l 18 0 z", x, top - 3.0)} />
                        </g>
                    }
                } else {
                    Html::default()
                }
            }
        </g>
    }
}

fn cell_view(cell: &CellView, lane: &LaneView, view: &StageView) -> Html {
    let size = view.layout.cell_size;
    let top = lane.y - size / 2.0;
    let label = match &cell.key {
        Some(key) => format!(
            "P{} offset {}: key {key}, value {}",
            lane.partition, cell.offset, cell.value
        ),
        None => format!(
            "P{} offset {}: no key, value {}",
            lane.partition, cell.offset, cell.value
        ),
    };
    html! {
        <g class={classes!("cell", cell.consumed.then_some("consumed"))}
           data-offset={cell.offset.to_string()} data-value={cell.value.clone()}>
            <title>{label}</title>
            <rect x={cell.x.to_string()} y={top.to_string()} width={size.to_string()} height={size.to_string()} rx="8" fill={cell.fill} />
            <text class="cell-value" x={(cell.x + size / 2.0).to_string()} y={(lane.y + size * 0.17).to_string()} fill={cell.text}>
                {short(&cell.value, 4)}
            </text>
            <text class="cell-offset" x={(cell.x + size / 2.0).to_string()} y={(top + size + 17.0).to_string()}>
                {cell.offset.to_string()}
            </text>
        </g>
    }
}

fn flight_view(flight: &FlightView, view: &StageView) -> Html {
    let transform = format!("translate({:.1} {:.1})", flight.x, flight.y);
    let kind = flight.kind.to_string();
    match &flight.shape {
        FlightShape::Record { value, fill, text } => {
            let half = view.layout.chip_size / 2.0;
            html! {
                <g class="flight record" data-kind={kind} transform={transform}>
                    <rect x={(-half).to_string()} y={(-half).to_string()} width={(half * 2.0).to_string()}
                          height={(half * 2.0).to_string()} rx="8" fill={*fill} />
                    <text class="chip-value" y={(half * 0.35).to_string()} fill={*text}>{short(value, 3)}</text>
                </g>
            }
        }
        FlightShape::Ack { offset } => html! {
            <g class="flight ack" data-kind={kind} transform={transform}>
                <title>{format!("acknowledgement: appended at offset {offset}")}</title>
                <circle r="13" />
                <text y="6">{"✓"}</text>
            </g>
        },
        FlightShape::Fetch => html! {
            <g class="flight fetch" data-kind={kind} transform={transform}>
                <title>{"fetch request"}</title>
                <path d="M 0 -12 L 12 0 L 0 12 L -12 0 Z" />
            </g>
        },
        FlightShape::EmptyFetchResponse => html! {
            <g class="flight empty-response" data-kind={kind} transform={transform}>
                <title>{"fetch response with no new records"}</title>
                <circle r="9" />
            </g>
        },
    }
}

/// Keeps long values inside their cell; the full value is in the cell's tooltip.
fn short(value: &str, max_chars: usize) -> String {
    if value.chars().count() <= max_chars {
        value.to_owned()
    } else {
        let mut shortened: String = value.chars().take(max_chars - 1).collect();
        shortened.push('…');
        shortened
    }
}
