//! Faults an operator injects: a broker crashes, restarts, is cut off from its peers, its
//! clients or everyone, and heals; a link between two nodes is cut one way or both. Each tells
//! the controller, which fences, unfences and moves leaderships.

use crate::engine::broker::PartitionView;
use crate::engine::command::Rejection;
use crate::engine::event::EventKind;
use crate::engine::ids::BrokerId;
use crate::engine::network::{Isolation, Node};
use crate::engine::timer::Timer;
use crate::engine::Simulation;

impl Simulation {
    pub(in crate::engine) fn known_broker(&self, broker: BrokerId) -> Result<(), Rejection> {
        if self.brokers.contains_key(&broker) {
            Ok(())
        } else {
            Err(Rejection::UnknownBroker { broker })
        }
    }

    pub(in crate::engine) fn crash_broker(&mut self, broker: BrokerId) -> Result<(), Rejection> {
        self.known_broker(broker)?;
        let state = self.brokers.get_mut(&broker).expect("checked");
        if !state.up {
            return Err(Rejection::BrokerState {
                broker,
                reason: "is already down",
            });
        }
        state.up = false;
        state.incarnation += 1;
        state.parked_fetches.clear();
        state.parked_replica_fetches.clear();
        state.pending_produces.clear();
        state.fetchers.clear();
        self.emit(EventKind::BrokerCrashed { broker });
        self.reset_connections_of(broker);
        self.controller_watch(broker);
        Ok(())
    }

    pub(in crate::engine) fn restart_broker(&mut self, broker: BrokerId) -> Result<(), Rejection> {
        self.known_broker(broker)?;
        let state = self.brokers.get_mut(&broker).expect("checked");
        if state.up {
            return Err(Rejection::BrokerState {
                broker,
                reason: "is already running",
            });
        }
        state.up = true;
        state.incarnation += 1;
        for replica in state.replicas.values_mut() {
            replica.view = PartitionView::default();
            replica.followers.clear();
        }
        self.emit(EventKind::BrokerRestarted { broker });
        // The new process loads the metadata image afresh when it registers.
        if !self.network.is_isolated(broker) {
            self.publish_image(broker);
        }
        // A broker that re-registers with a new incarnation is fenced first (its old
        // leaderships move), then unfenced once it has caught up with the metadata.
        if !self.brokers[&broker].fenced {
            self.controller_fence(broker);
        }
        self.start_broker_timers(broker);
        self.controller_unfence(broker);
        Ok(())
    }

    /// The process is gone, so its operating system resets every connection it had: each
    /// node connected to it learns so one link latency later (unless the link back is cut),
    /// rather than after `request.timeout.ms`.
    fn reset_connections_of(&mut self, broker: BrokerId) {
        let dead = Node::Broker(broker);
        for node in self.network.reset_connections(broker) {
            if self.network.link_up(dead, node) {
                let at = self.now.plus_ms(self.network.base_latency_ms(dead, node));
                self.schedule_timer(at, Timer::ConnectionReset(node, broker));
            }
        }
    }

    pub(in crate::engine) fn isolate_broker(
        &mut self,
        broker: BrokerId,
        from: Isolation,
    ) -> Result<(), Rejection> {
        self.known_broker(broker)?;
        if self.network.isolation(broker).is_some() {
            return Err(Rejection::BrokerState {
                broker,
                reason: "is already isolated",
            });
        }
        self.network.isolate(broker, from);
        self.emit(EventKind::BrokerIsolated { broker, from });
        if from.from_peers() {
            self.controller_watch(broker);
        }
        Ok(())
    }

    pub(in crate::engine) fn cut_link(
        &mut self,
        from: Node,
        to: Node,
        one_way: bool,
    ) -> Result<(), Rejection> {
        self.known_node(from)?;
        self.known_node(to)?;
        self.network.cut_link(from, to, one_way);
        self.emit(EventKind::LinkCut { from, to, one_way });
        Ok(())
    }

    pub(in crate::engine) fn heal_link(
        &mut self,
        from: Node,
        to: Node,
        one_way: bool,
    ) -> Result<(), Rejection> {
        self.known_node(from)?;
        self.known_node(to)?;
        self.network.heal_link(from, to, one_way);
        self.emit(EventKind::LinkHealed { from, to, one_way });
        Ok(())
    }

    fn known_node(&self, node: Node) -> Result<(), Rejection> {
        match node {
            Node::Broker(broker) => self.known_broker(broker),
            Node::Producer(producer) if !self.producers.contains_key(&producer) => {
                Err(Rejection::UnknownProducer { producer })
            }
            Node::Consumer(consumer) if !self.consumers.contains_key(&consumer) => {
                Err(Rejection::UnknownConsumer { consumer })
            }
            _ => Ok(()),
        }
    }

    pub(in crate::engine) fn heal_broker(&mut self, broker: BrokerId) -> Result<(), Rejection> {
        self.known_broker(broker)?;
        let Some(was) = self.network.isolation(broker) else {
            return Err(Rejection::BrokerState {
                broker,
                reason: "is not isolated",
            });
        };
        self.network.heal(broker);
        if !was.from_peers() {
            self.emit(EventKind::BrokerHealed { broker });
            return Ok(());
        }
        if self.brokers[&broker].up {
            // The broker catches up with the metadata log it missed.
            self.publish_image(broker);
        }
        self.emit(EventKind::BrokerHealed { broker });
        if self.brokers[&broker].up {
            if self.brokers[&broker].fenced {
                self.controller_unfence(broker);
            } else {
                for tp in self.all_partitions() {
                    self.push_metadata(&tp);
                }
            }
        }
        Ok(())
    }
}
