//! The producers above the brokers and the consumers below them: boxes in a centred row,
//! chips when they do not fit, and a "+n" chip for the rest.

use super::*;

/// Places `count` client boxes in a centred row, as full boxes when they fit and as chips
/// otherwise; returns their `(x, width, chip)`, and the "+n" chip's `(x, n)` when some did not
/// fit.
pub(super) fn client_row(count: usize, width: f64) -> (Vec<ClientPlace>, Option<(f64, u32)>) {
    if count == 0 {
        return (Vec::new(), None);
    }
    let available = width - 2.0 * MARGIN;
    let n = count as f64;
    let full = ((available - (n - 1.0) * CLIENT_GAP) / n).min(CLIENT_MAX_WIDTH);
    let (box_width, gap, shown, chip) = if full >= CLIENT_MIN_WIDTH {
        (full, CLIENT_GAP, count, false)
    } else {
        let fit = ((available + CHIP_GAP) / (CHIP_MIN_WIDTH + CHIP_GAP)).floor() as usize;
        // Keep one chip's room for "+n" when they do not all fit.
        let shown = if count <= fit {
            count
        } else {
            fit.saturating_sub(1)
        };
        let slots = if shown < count { shown + 1 } else { shown } as f64;
        let chip_width = ((available - (slots - 1.0) * CHIP_GAP) / slots).min(CLIENT_MIN_WIDTH);
        (chip_width, CHIP_GAP, shown, true)
    };
    let slots = if shown < count { shown + 1 } else { shown } as f64;
    let row_width = slots * box_width + (slots - 1.0) * gap;
    let left = (width - row_width) / 2.0;
    let places = (0..shown)
        .map(|i| (left + i as f64 * (box_width + gap), box_width, chip))
        .collect();
    let more = (shown < count).then(|| {
        (
            left + shown as f64 * (box_width + gap),
            (count - shown) as u32,
        )
    });
    (places, more)
}

pub(super) fn more_chip(
    more: Option<(f64, u32)>,
    places: &[ClientPlace],
    y: f64,
) -> Option<MoreChip> {
    let (x, count) = more?;
    let width = places.first().map_or(CHIP_MIN_WIDTH, |p| p.1);
    Some(MoreChip {
        x,
        y,
        width,
        height: CLIENT_HEIGHT,
        count,
    })
}

pub(super) fn client_emphasis(highlight: &Highlight, touched: bool) -> Emphasis {
    if highlight.is_empty() {
        Emphasis::Normal
    } else if touched {
        Emphasis::Emphasised
    } else {
        Emphasis::Dimmed
    }
}

pub(super) fn producer_views(
    sim: &Simulation,
    width: f64,
    highlight: &Highlight,
) -> (Vec<ClientView>, Option<MoreChip>) {
    let count = sim.producers().count();
    let (places, more) = client_row(count, width);
    let more = more_chip(more, &places, CLIENT_TOP);
    let views = sim
        .producers()
        .zip(places)
        .map(|(producer, (x, box_width, chip))| {
            let acks = match producer.config.acks {
                Acks::None => "acks=0",
                Acks::Leader => "acks=1",
                Acks::All => "acks=all",
            };
            let mut detail = acks.to_owned();
            if producer.config.enable_idempotence {
                detail.push_str(" · idem");
            }
            if let Some(workload) = &producer.workload {
                detail.push_str(&format!(" · {}/s", workload.records_per_second));
            }
            ClientView {
                node: Node::Producer(producer.id),
                x,
                y: CLIENT_TOP,
                width: box_width,
                height: CLIENT_HEIGHT,
                chip,
                name: producer.id.to_string(),
                short_name: format!("P{}", producer.id.0),
                detail,
                group: None,
                style: None,
                state: ClientState::Running,
                emphasis: client_emphasis(highlight, highlight.producers.contains(&producer.id)),
            }
        })
        .collect();
    (views, more)
}

pub(super) fn consumer_views(
    sim: &Simulation,
    width: f64,
    top: f64,
    highlight: &Highlight,
) -> (Vec<ClientView>, Option<MoreChip>) {
    let count = sim.consumers().count();
    let (places, more) = client_row(count, width);
    let more = more_chip(more, &places, top);
    let views = sim
        .consumers()
        .zip(places)
        .map(|(consumer, (x, box_width, chip))| {
            let group = consumer.group.as_ref().map(|g| g.group.clone());
            let state = if consumer.crashed {
                ClientState::Crashed
            } else if consumer.closed {
                ClientState::Closed
            } else if consumer.paused {
                ClientState::Paused
            } else {
                ClientState::Running
            };
            let detail = match &group {
                Some(name) => format!("group {name}"),
                None => format!("reads {}", consumer.topic),
            };
            let touched = highlight.consumers.contains(&consumer.id)
                || group
                    .as_ref()
                    .is_some_and(|name| highlight.groups.contains(name));
            ClientView {
                node: Node::Consumer(consumer.id),
                x,
                y: top,
                width: box_width,
                height: CLIENT_HEIGHT,
                chip,
                name: consumer.id.to_string(),
                short_name: format!("C{}", consumer.id.0),
                detail,
                group,
                style: Some(member_style(consumer.id)),
                state,
                emphasis: client_emphasis(highlight, touched),
            }
        })
        .collect();
    (views, more)
}
