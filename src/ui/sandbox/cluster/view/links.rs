//! The network links between clients and brokers and between brokers, as polylines that
//! messages travel along, and which nodes a highlight touches.

use super::*;

/// Where a broker meets the link to `peer` (a broker index) on its top edge (landscape) or its
/// right edge (portrait). Each broker keeps the slot of its own index for its clients, so no
/// two links share a point.
pub(super) fn attach(frame: &Frame, broker: &BrokerView, slot: usize) -> (f64, f64) {
    let fraction = (slot as f64 + 0.5) / frame.broker_count as f64;
    match frame.shape {
        Shape::Landscape => (broker.x + broker.width * fraction, broker.y),
        Shape::Portrait => (
            broker.x + broker.width,
            broker.y + BROKER_HEADER / 2.0 + (broker.height - BROKER_HEADER) * fraction,
        ),
    }
}

/// Whether the link between two nodes is broken now: cut either way (which covers a broker
/// isolated from that side), or a client's connection to the broker closed and in reconnect
/// backoff.
fn broken(sim: &Simulation, a: Node, b: Node) -> bool {
    if sim
        .cut_links()
        .any(|&(x, y)| (x, y) == (a, b) || (x, y) == (b, a))
    {
        return true;
    }
    let isolated_from = |node: Node, other: Node| match node {
        Node::Broker(id) => sim.isolation(id).is_some_and(|i| match other {
            Node::Broker(_) => i.from_peers(),
            _ => i.from_clients(),
        }),
        _ => false,
    };
    if isolated_from(a, b) || isolated_from(b, a) {
        return true;
    }
    let metadata = match a {
        Node::Producer(id) => sim.producer(id).map(|p| &p.metadata),
        Node::Consumer(id) => sim.consumer(id).map(|c| &c.metadata),
        Node::Broker(_) => None,
    };
    match (metadata, b) {
        (Some(m), Node::Broker(broker)) => m.reconnect_at(broker, sim.now()).is_some(),
        _ => false,
    }
}

pub(super) fn link_views(
    frame: &Frame,
    brokers: &[BrokerView],
    producers: &[ClientView],
    consumers: &[ClientView],
) -> Vec<LinkView> {
    let mut links = Vec::new();
    let isolated = |b: &BrokerView| b.isolated;
    for (i, a) in brokers.iter().enumerate() {
        for (j, b) in brokers.iter().enumerate().skip(i + 1) {
            let start = attach(frame, a, j);
            let end = attach(frame, b, i);
            let distance = (j - i) as f64;
            let points = match frame.shape {
                Shape::Landscape => {
                    let lift = (14.0 + 12.0 * (distance - 1.0)).min(LANDSCAPE_TOP_BAND - 12.0);
                    vec![start, (start.0, start.1 - lift), (end.0, end.1 - lift), end]
                }
                Shape::Portrait => {
                    let reach = (9.0 + 9.0 * (distance - 1.0)).min(PORTRAIT_RIGHT_BRACKETS - 4.0);
                    vec![
                        start,
                        (start.0 + reach, start.1),
                        (end.0 + reach, end.1),
                        end,
                    ]
                }
            };
            links.push(link(
                Node::Broker(a.id),
                Node::Broker(b.id),
                points,
                LinkKind::Replication,
                isolated(a) || isolated(b) || !a.up || !b.up,
            ));
        }
    }
    for (index, broker) in brokers.iter().enumerate() {
        for (n, producer) in producers.iter().enumerate() {
            let from = (
                producer.x + producer.width / 2.0,
                producer.y + producer.height,
            );
            let points = match frame.shape {
                Shape::Landscape => vec![from, attach(frame, broker, index)],
                Shape::Portrait => {
                    let lane_x = 12.0 + (n % 3) as f64 * 3.0;
                    let bus_y = from.1 + 8.0 + (n % 3) as f64 * 3.0;
                    let door_y = broker.y + 20.0;
                    vec![
                        from,
                        (from.0, bus_y),
                        (lane_x, bus_y),
                        (lane_x, door_y),
                        (broker.x, door_y),
                    ]
                }
            };
            links.push(link(
                producer.node,
                Node::Broker(broker.id),
                points,
                LinkKind::Producer,
                !broker.up,
            ));
        }
        for (n, consumer) in consumers.iter().enumerate() {
            let from = (consumer.x + consumer.width / 2.0, consumer.y);
            let points = match frame.shape {
                Shape::Landscape => {
                    let (x, _) = attach(frame, broker, index);
                    vec![from, (x, broker.y + broker.height)]
                }
                Shape::Portrait => {
                    let lane_x = 23.0 + (n % 3) as f64 * 3.0;
                    let bus_y = from.1 - 8.0 - (n % 3) as f64 * 3.0;
                    let door_y = broker.y + broker.height - 20.0;
                    vec![
                        from,
                        (from.0, bus_y),
                        (lane_x, bus_y),
                        (lane_x, door_y),
                        (broker.x, door_y),
                    ]
                }
            };
            links.push(link(
                consumer.node,
                Node::Broker(broker.id),
                points,
                LinkKind::Consumer,
                !broker.up,
            ));
        }
    }
    links
}

/// Marks a cut link, or a client's closed connection in reconnect backoff, as broken too.
pub(super) fn mark_broken(sim: &Simulation, links: &mut [LinkView]) {
    for l in links {
        l.down = l.down || broken(sim, l.a, l.b);
    }
}

pub(super) fn link(
    a: Node,
    b: Node,
    points: Vec<(f64, f64)>,
    kind: LinkKind,
    down: bool,
) -> LinkView {
    let length = points
        .windows(2)
        .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
        .sum();
    LinkView {
        a,
        b,
        points,
        length,
        kind,
        down,
    }
}

impl LinkView {
    /// The point `fraction` of the way from `a` to `b`.
    pub(super) fn point_at(&self, fraction: f64) -> (f64, f64) {
        let mut remaining = self.length * fraction.clamp(0.0, 1.0);
        for w in self.points.windows(2) {
            let segment = ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt();
            if remaining <= segment && segment > 0.0 {
                let t = remaining / segment;
                return (
                    w[0].0 + (w[1].0 - w[0].0) * t,
                    w[0].1 + (w[1].1 - w[0].1) * t,
                );
            }
            remaining -= segment;
        }
        *self.points.last().unwrap_or(&(0.0, 0.0))
    }
}

/// Which nodes the highlight touches, for dimming the messages that do not concern it.
pub(super) struct TouchedNodes<'a> {
    pub(super) highlight: &'a Highlight,
    pub(super) partition_brokers: &'a VecSet<BrokerId>,
    pub(super) sim: &'a Simulation,
}

impl TouchedNodes<'_> {
    pub(super) fn touches(&self, node: Node) -> bool {
        match node {
            Node::Broker(id) => {
                self.highlight.touches_broker(id) || self.partition_brokers.contains(&id)
            }
            Node::Producer(id) => self.highlight.producers.contains(&id),
            Node::Consumer(id) => {
                self.highlight.consumers.contains(&id)
                    || self
                        .sim
                        .consumer(id)
                        .and_then(|c| c.group.as_ref())
                        .is_some_and(|g| self.highlight.groups.contains(&g.group))
            }
        }
    }
}
