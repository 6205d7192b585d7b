//! The machinery between the door and the actors: `fire` runs a due timer, `deliver` hands an
//! arrived message to the actor it is addressed to, and `send`, `schedule_timer` and `emit` are
//! how every actor puts a message on the wire, a timer in the queue and an event in the outbox.

use crate::engine::broker::FetchLimits;
use crate::engine::errors::ErrorCode;
use crate::engine::event::{Event, EventKind};
use crate::engine::ids::MessageId;
use crate::engine::network::{Delivery, Message, Node, Sent};
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
                self.on_fetch_failed(consumer, broker, correlation)
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
                self.on_produce_request_failed(producer, correlation, ErrorCode::RequestTimedOut)
            }
            Timer::WorkloadTick(producer) => self.on_workload_tick(producer),
            Timer::GroupRequestTimeout(consumer, correlation) => {
                self.on_group_request_timeout(consumer, correlation)
            }
            Timer::Heartbeat(consumer) => self.on_heartbeat_timer(consumer),
            Timer::PollIntervalCheck(consumer) => self.on_poll_interval_check(consumer),
            Timer::MemberSessionCheck(group, member) => {
                self.on_member_session_check(&group, &member)
            }
            Timer::GroupJoinDeadline(group, round) => self.on_group_join_deadline(&group, round),
            Timer::GroupSyncDeadline(group, round) => self.on_group_sync_deadline(&group, round),
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
        if let Node::Broker(sender) = flight.from {
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
                let is_request = matches!(
                    flight.message,
                    Message::Produce { .. }
                        | Message::Fetch { .. }
                        | Message::ReplicaFetch { .. }
                        | Message::Group { .. }
                );
                if is_request {
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

    /// A refused connection: each kind of sender treats it as its own request failing.
    fn route_refused(&mut self, from: Node, to: Node, message: Message) {
        match (from, to, message) {
            (
                Node::Broker(_),
                Node::Producer(producer),
                Message::ConnectionRefused { correlation_id },
            ) => self.on_produce_request_failed(
                producer,
                correlation_id,
                ErrorCode::NetworkException,
            ),
            (
                Node::Broker(broker),
                Node::Consumer(consumer),
                Message::ConnectionRefused { correlation_id },
            ) => {
                self.on_fetch_failed(consumer, broker, correlation_id);
                self.on_group_request_timeout(consumer, correlation_id);
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
