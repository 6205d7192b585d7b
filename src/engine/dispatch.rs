//! The machinery between the door and the actors: `fire` runs a due timer, `deliver` hands an
//! arrived message to the actor it is addressed to, and `send`, `schedule_timer` and `emit` are
//! how every actor puts a message on the wire, a timer in the queue and an event in the outbox.

use crate::engine::broker::FetchLimits;
use crate::engine::event::{Event, EventKind};
use crate::engine::ids::{BrokerId, MessageId};
use crate::engine::network::{Delivery, DisconnectReason, Message, Node, Sent};
use crate::engine::time::SimTime;
use crate::engine::timer::{Scheduled, Timer};
use crate::engine::Simulation;
use std::cmp::Reverse;

impl Simulation {
    pub(in crate::engine) fn fire(&mut self, timer: Timer) {
        match timer {
            Timer::Deliver(id) => self.deliver(id),
            Timer::Vanish(id) => {
                if let Some(Delivery::Lost(flight)) = self.network.deliver(id) {
                    self.emit_detail(EventKind::MessageDropped {
                        message: id,
                        kind: flight.message.kind(),
                        from: flight.from,
                        to: flight.to,
                    });
                }
            }
            Timer::Poll(consumer) => self.on_poll_timer(consumer),
            Timer::FetchTimeout(consumer, broker, correlation) => {
                self.on_fetch_timeout(consumer, broker, correlation)
            }
            Timer::FetchWaitExpired(broker, incarnation, id) => {
                self.on_fetch_wait_expired(broker, incarnation, id)
            }
            Timer::ProduceExpiry(broker, incarnation, id) => {
                self.on_produce_expiry(broker, incarnation, id)
            }
            Timer::ReplicaFetch(follower, leader, incarnation) => {
                self.on_replica_fetch_timer(follower, leader, incarnation)
            }
            Timer::ReplicaFetchTimeout(follower, leader, incarnation, correlation) => {
                self.on_replica_fetch_timeout(follower, leader, incarnation, correlation)
            }
            Timer::ReplicaFetchWaitExpired(leader, incarnation, id) => {
                self.on_replica_fetch_wait_expired(leader, incarnation, id)
            }
            Timer::IsrExpiration(broker, incarnation) => {
                self.on_isr_expiration(broker, incarnation)
            }
            Timer::SessionExpiry(broker, incarnation) => {
                self.on_session_expiry(broker, incarnation)
            }
            Timer::UncleanElectionCheck => self.on_unclean_election_check(),
            Timer::RetentionCheck(broker) => self.on_retention_check(broker),
            Timer::CleanerCheck(broker) => self.on_cleaner_check(broker),
            Timer::ProducerWake(producer) => self.on_producer_wake(producer),
            Timer::ProducerRequestTimeout(producer, correlation) => {
                self.on_produce_request_timeout(producer, correlation)
            }
            Timer::WorkloadTick(producer) => self.on_workload_tick(producer),
            Timer::GroupRequestTimeout(consumer, correlation) => {
                self.on_group_request_timed_out(consumer, correlation)
            }
            Timer::Heartbeat(consumer) => self.on_heartbeat_timer(consumer),
            Timer::PollIntervalCheck(consumer) => self.on_poll_interval_check(consumer),
            Timer::MemberSessionCheck(group, member) => {
                self.on_member_session_check(&group, &member)
            }
            Timer::GroupJoinDeadline(group, round) => self.on_group_join_deadline(&group, round),
            Timer::GroupSyncDeadline(group, round) => self.on_group_sync_deadline(&group, round),
            Timer::ConnectionReset(node, broker) => self.on_connection_reset(node, broker),
            Timer::MetadataRefresh(node) => self.on_metadata_refresh_timer(node),
            Timer::MetadataTimeout(node, broker, correlation) => {
                self.on_metadata_timeout(node, broker, correlation)
            }
            Timer::Command(command) => {
                if let Err(reason) = self.handle(*command) {
                    self.emit(EventKind::CommandRejected { reason });
                }
            }
        }
    }

    pub(in crate::engine) fn deliver(&mut self, id: MessageId) {
        let flight = match self.network.deliver(id) {
            Some(Delivery::Arrived(flight)) => flight,
            Some(Delivery::Lost(flight)) => {
                // The link was cut while the message travelled.
                self.emit_detail(EventKind::MessageDropped {
                    message: id,
                    kind: flight.message.kind(),
                    from: flight.from,
                    to: flight.to,
                });
                return;
            }
            None => return,
        };
        let refusal = matches!(flight.message, Message::ConnectionRefused { .. });
        if let (Node::Broker(sender), false) = (flight.from, refusal) {
            // A refusal comes from the machine's operating system, which is still up.
            if !self.brokers.get(&sender).is_some_and(|b| b.up) {
                // A crash is modelled as the machine going down: what it had on the wire and
                // not yet delivered is lost with it.
                self.emit_detail(EventKind::MessageDropped {
                    message: id,
                    kind: flight.message.kind(),
                    from: flight.from,
                    to: flight.to,
                });
                return;
            }
        }
        self.emit_detail(EventKind::MessageArrived {
            message: id,
            kind: flight.message.kind(),
            from: flight.from,
            to: flight.to,
        });
        if let Node::Broker(broker) = flight.to {
            if !self.brokers.get(&broker).is_some_and(|b| b.up) {
                // The process is gone: the operating system refuses the connection.
                if flight.message.is_request() {
                    let correlation_id = flight.message.correlation_id();
                    self.send(
                        flight.to,
                        flight.from,
                        Message::ConnectionRefused { correlation_id },
                    );
                }
                return;
            }
        }
        if let (Node::Broker(broker), Node::Producer(_) | Node::Consumer(_), false) =
            (flight.from, flight.to, refusal)
        {
            // An answer came back: the connection works, and its reconnect backoff starts
            // again from `reconnect.backoff.ms` next time.
            self.on_connection_answered(flight.to, broker);
        }
        self.route(flight.from, flight.to, flight.message);
    }

    /// Hands a message to its addressee's handler, by message family.
    fn route(&mut self, from: Node, to: Node, message: Message) {
        match message {
            Message::Produce { .. } | Message::ProduceResponse { .. } => {
                self.route_produce(from, to, message)
            }
            Message::Fetch { .. } | Message::FetchResponse { .. } => {
                self.route_fetch(from, to, message)
            }
            Message::ReplicaFetch { .. } | Message::ReplicaFetchResponse { .. } => {
                self.route_replication(from, to, message)
            }
            Message::Group { .. } | Message::GroupResponse { .. } => {
                self.route_group(from, to, message)
            }
            Message::ConnectionRefused { .. } => self.route_refused(from, to, message),
            Message::Metadata { .. } | Message::MetadataResponse { .. } => {
                self.route_metadata(from, to, message)
            }
        }
    }

    /// Metadata requests to any broker, and their answers to the client.
    fn route_metadata(&mut self, from: Node, to: Node, message: Message) {
        match (from, to, message) {
            (
                from @ (Node::Producer(_) | Node::Consumer(_)),
                Node::Broker(broker),
                Message::Metadata {
                    correlation_id,
                    topics,
                },
            ) => self.on_metadata_request(broker, from, correlation_id, topics),
            (
                Node::Broker(broker),
                client @ (Node::Producer(_) | Node::Consumer(_)),
                Message::MetadataResponse {
                    correlation_id,
                    brokers,
                    topics,
                },
            ) => self.on_metadata_response(client, broker, correlation_id, brokers, topics),
            _ => wrong_node(),
        }
    }

    /// A dead broker's reset reached a node connected to it: a client sees its connection
    /// close (and fails what was in flight on it), a follower stops fetching from it.
    fn on_connection_reset(&mut self, node: Node, broker: BrokerId) {
        match node {
            Node::Producer(_) | Node::Consumer(_) => {
                self.on_disconnected(node, broker, DisconnectReason::PeerDied, None)
            }
            Node::Broker(follower) => self.on_replica_fetch_refused(follower, broker),
        }
    }

    /// Produce requests to a leader, and their answers to the producer.
    fn route_produce(&mut self, from: Node, to: Node, message: Message) {
        match (from, to, message) {
            (
                from @ Node::Producer(_),
                Node::Broker(broker),
                Message::Produce {
                    correlation_id,
                    acks,
                    timeout_ms,
                    batches,
                },
            ) => self.on_produce(broker, from, correlation_id, acks, timeout_ms, batches),
            (
                Node::Broker(_),
                Node::Producer(producer),
                Message::ProduceResponse {
                    correlation_id,
                    results,
                },
            ) => self.on_produce_response(producer, correlation_id, results),
            _ => wrong_node(),
        }
    }

    /// Consumer fetches to a leader, and their answers.
    fn route_fetch(&mut self, from: Node, to: Node, message: Message) {
        match (from, to, message) {
            (
                from @ Node::Consumer(_),
                Node::Broker(broker),
                Message::Fetch {
                    correlation_id,
                    partitions,
                    max_bytes,
                    max_partition_bytes,
                    max_wait_ms,
                },
            ) => self.on_consumer_fetch(
                broker,
                from,
                correlation_id,
                partitions,
                FetchLimits {
                    max_bytes,
                    max_partition_bytes,
                    max_wait_ms,
                },
            ),
            (
                Node::Broker(broker),
                Node::Consumer(consumer),
                Message::FetchResponse {
                    correlation_id,
                    partitions,
                },
            ) => self.on_fetch_response(consumer, broker, correlation_id, partitions),
            _ => wrong_node(),
        }
    }

    /// Follower fetches to a leader, and their answers.
    fn route_replication(&mut self, from: Node, to: Node, message: Message) {
        match (from, to, message) {
            (
                Node::Broker(follower),
                Node::Broker(leader),
                Message::ReplicaFetch {
                    correlation_id,
                    partitions,
                    max_wait_ms,
                },
            ) => self.on_replica_fetch(leader, follower, correlation_id, partitions, max_wait_ms),
            (
                Node::Broker(leader),
                Node::Broker(follower),
                Message::ReplicaFetchResponse {
                    correlation_id,
                    partitions,
                },
            ) => self.on_replica_fetch_response(follower, leader, correlation_id, partitions),
            _ => wrong_node(),
        }
    }

    /// Group requests to a coordinator, and their answers to the member.
    fn route_group(&mut self, from: Node, to: Node, message: Message) {
        match (from, to, message) {
            (
                from @ Node::Consumer(_),
                Node::Broker(broker),
                Message::Group {
                    correlation_id,
                    request,
                },
            ) => self.on_group_request(broker, from, correlation_id, request),
            (
                Node::Broker(_),
                Node::Consumer(consumer),
                Message::GroupResponse {
                    correlation_id,
                    response,
                },
            ) => self.on_group_response(consumer, correlation_id, response),
            _ => wrong_node(),
        }
    }

    /// A refused connection: a client's connection closes (failing everything in flight on
    /// it), a follower stops fetching from the broker.
    fn route_refused(&mut self, from: Node, to: Node, message: Message) {
        match (from, to, message) {
            (
                Node::Broker(broker),
                client @ (Node::Producer(_) | Node::Consumer(_)),
                Message::ConnectionRefused { .. },
            ) => {
                if self.network.is_connected(client, broker) {
                    self.on_disconnected(client, broker, DisconnectReason::Refused, None);
                }
            }
            (Node::Broker(leader), Node::Broker(follower), Message::ConnectionRefused { .. }) => {
                self.on_replica_fetch_refused(follower, leader)
            }
            _ => wrong_node(),
        }
    }

    pub(in crate::engine) fn emit(&mut self, kind: EventKind) {
        self.outbox.push(Event { at: self.now, kind });
    }

    /// Emits an event that benchmarks may switch off (per message, per record).
    pub(in crate::engine) fn emit_detail(&mut self, kind: EventKind) {
        if self.detailed_events {
            self.emit(kind);
        }
    }

    pub(in crate::engine) fn schedule_timer(&mut self, at: SimTime, timer: Timer) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.queue.push(Reverse(Scheduled {
            at,
            sequence,
            timer,
        }));
    }

    pub(in crate::engine) fn send(&mut self, from: Node, to: Node, message: Message) {
        let now = self.now;
        let kind = message.kind();
        if let (true, Node::Broker(broker)) = (message.is_request(), to) {
            // A request goes on a connection, opened by the first request to that broker.
            if self.network.open_connection(from, broker) && !matches!(from, Node::Broker(_)) {
                self.emit_detail(EventKind::ConnectionOpened {
                    client: from,
                    broker,
                });
            }
        }
        match self.network.send(from, to, message, now, &mut self.rng) {
            Sent::Travelling(id, arrives_at) => {
                self.emit_detail(EventKind::MessageSent {
                    message: id,
                    kind,
                    from,
                    to,
                    arrives_at,
                });
                self.schedule_timer(arrives_at, Timer::Deliver(id));
            }
            Sent::Dropped(id, vanishes_at) => {
                self.emit_detail(EventKind::MessageSent {
                    message: id,
                    kind,
                    from,
                    to,
                    arrives_at: vanishes_at,
                });
                self.schedule_timer(vanishes_at, Timer::Vanish(id));
            }
        }
    }
}

/// Any pairing of sender, addressee and message the routes do not list cannot be produced by
/// this code; dropping it keeps a bug from taking the page down with it.
fn wrong_node() {
    debug_assert!(false, "message delivered to the wrong kind of node");
}
