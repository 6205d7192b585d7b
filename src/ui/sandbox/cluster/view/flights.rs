//! Every message in flight, placed at its current point along its link.

use super::*;

/// Records a message carries, shown beside its mark.
pub(super) fn records_carried(message: &Message) -> u32 {
    message.record_count().min(u32::MAX as usize) as u32
}

/// Ease in and out so a mark leaves and lands gently, as a projector audience can follow.
pub(super) fn ease(t: f64) -> f64 {
    t * t * (3.0 - 2.0 * t)
}

pub(super) fn flight_views(
    sim: &Simulation,
    links: &[LinkView],
    touched: &TouchedNodes,
) -> Vec<FlightView> {
    let index: VecMap<(Node, Node), usize> = links
        .iter()
        .enumerate()
        .map(|(i, l)| ((l.a.min(l.b), l.a.max(l.b)), i))
        .collect::<VecMap<_, _>>();
    let now = sim.now();
    sim.in_flight()
        .filter_map(|flight: &InFlight| {
            let link =
                &links[*index.get(&(flight.from.min(flight.to), flight.from.max(flight.to)))?];
            let progress = flight.progress_at(now);
            // A dropped message vanishes half way (the network removes it then); one on a
            // broker link cut by isolation is lost when it would have arrived.
            let cut = matches!((flight.from, flight.to), (Node::Broker(a), Node::Broker(b))
                if sim.is_isolated(a) || sim.is_isolated(b));
            let vanish_at = if sim.is_dropping(flight.id) {
                Some(0.5)
            } else if cut {
                Some(1.0)
            } else {
                None
            };
            // It fades over its whole remaining life: a lost message is only on screen for a
            // moment at normal speed, and the viewer should notice it before it goes.
            let vanishing = vanish_at.map(|end| (progress / end).clamp(0.0, 1.0));
            let along = ease(progress);
            let (x, y) = link.point_at(if flight.from == link.a {
                along
            } else {
                1.0 - along
            });
            let kind = flight.message.kind();
            let style = message_style(kind);
            let emphasis = if touched.highlight.is_empty() {
                Emphasis::Normal
            } else if touched.touches(flight.from) || touched.touches(flight.to) {
                Emphasis::Emphasised
            } else {
                Emphasis::Dimmed
            };
            Some(FlightView {
                id: flight.id.0,
                kind,
                x,
                y,
                colour: style.colour,
                ink: ink_on(style.colour),
                letter: style.letter,
                hollow: style.is_response,
                records: records_carried(&flight.message),
                vanishing,
                emphasis,
            })
        })
        .collect()
}
