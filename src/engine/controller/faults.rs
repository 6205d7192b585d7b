//! Faults an operator injects: a broker crashes, restarts, is cut off from the network, and
//! heals. Each tells the controller, which fences, unfences and moves leaderships.

use crate::engine::broker::PartitionView;
use crate::engine::command::Rejection;
use crate::engine::event::EventKind;
use crate::engine::ids::BrokerId;
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
        // A broker that re-registers with a new incarnation is fenced first (its old
        // leaderships move), then unfenced once it has caught up with the metadata.
        if !self.brokers[&broker].fenced {
            self.controller_fence(broker);
        }
        self.start_broker_timers(broker);
        self.controller_unfence(broker);
        Ok(())
    }

    pub(in crate::engine) fn isolate_broker(&mut self, broker: BrokerId) -> Result<(), Rejection> {
        self.known_broker(broker)?;
        if self.network.is_isolated(broker) {
            return Err(Rejection::BrokerState {
                broker,
                reason: "is already isolated",
            });
        }
        self.network.isolate(broker);
        self.emit(EventKind::BrokerIsolated { broker });
        self.controller_watch(broker);
        Ok(())
    }

    pub(in crate::engine) fn heal_broker(&mut self, broker: BrokerId) -> Result<(), Rejection> {
        self.known_broker(broker)?;
        if !self.network.is_isolated(broker) {
            return Err(Rejection::BrokerState {
                broker,
                reason: "is not isolated",
            });
        }
        self.network.heal(broker);
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
