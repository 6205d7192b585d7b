//! The setups a sandbox can start from, as the menu shows them: a default cluster to play
//! with, two canonical runs to do by hand, every example scenario, a large cluster for the
//! frame-rate benchmark, and any scenario file a visitor pastes in. Every preset is a scenario
//! file in `static/scenarios/` ([`crate::scenario::shipped`]); this module only names and
//! explains them.

use crate::scenario::{shipped, Setup};

/// A setup the visitor can pick, by a stable slug (used in links and storage).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    pub slug: &'static str,
    pub title: &'static str,
    /// What to try, in one or two sentences.
    pub hint: &'static str,
    /// The scenario file it starts from, by its slug in [`crate::scenario::SHIPPED`].
    file: &'static str,
}

/// Every preset, in menu order.
pub const PRESETS: [Preset; 11] = [
    Preset {
        slug: "default",
        title: "3 brokers, one topic, one group",
        hint: "orders has 3 partitions on 3 brokers (RF 3, min.insync.replicas 2); a producer sends with acks=all and the billing group reads. Kill a leader, slow a consumer, add members.",
        file: "sandbox-default",
    },
    Preset {
        slug: "acks1-by-hand",
        title: "Your turn: acks=1 with slow followers",
        hint: "Followers copy 1.5 s behind the leader and the producer uses acks=1. Kill the broker that leads orders-0 and watch acknowledged records get struck through.",
        file: "sandbox-acks1-by-hand",
    },
    Preset {
        slug: "four-members",
        title: "Your turn: 4 partitions, 4 members",
        hint: "Every member reads one partition. Add a fifth member to the group and see one sit idle; crash one and see the rebalance.",
        file: "sandbox-four-members",
    },
    Preset {
        slug: "acks1-leader-dies",
        title: "(a) acks=1: the leader dies before followers copy",
        hint: "Watch the lost records struck through after the leader crashes and a follower takes over.",
        file: "acks1-leader-dies",
    },
    Preset {
        slug: "acks-all-min-isr",
        title: "(b) acks=all, min.insync.replicas=2: nothing lost",
        hint: "The leader dies, and every acknowledged record is still there.",
        file: "acks-all-min-isr",
    },
    Preset {
        slug: "unclean-election",
        title: "(c) Unclean election loses acknowledged records",
        hint: "An out-of-sync follower becomes leader: availability over durability.",
        file: "unclean-election",
    },
    Preset {
        slug: "consumer-group-rebalance",
        title: "(e, f) Five members, four partitions, one crash",
        hint: "One member idles; a crash triggers a rebalance after session.timeout.ms, and uncommitted records arrive twice.",
        file: "consumer-group-rebalance",
    },
    Preset {
        slug: "zombie-leader",
        title: "The zombie leader: acks=1 to a cut-off leader",
        hint: "At 10 s broker 2 loses its peers but not its clients: it keeps acknowledging acks=1 writes after another broker is elected, until metadata.max.age.ms. Everything it took after the cut is lost at the heal (40 s).",
        file: "zombie-leader",
    },
    Preset {
        slug: "compaction",
        title: "(h) Compaction keeps the last value per key",
        hint: "Small segments, updates and a tombstone; the cleaner keeps the latest value per key.",
        file: "compaction",
    },
    Preset {
        slug: "first-example",
        title: "a b c d e into 3 partitions",
        hint: "Keyless records are dealt round-robin; the consumer reads them back as a d b e c.",
        file: "first-example",
    },
    Preset {
        slug: "large",
        title: "Large: 3 brokers × 48 partitions × RF 3, 5 groups",
        hint: "The frame-rate benchmark's cluster: 48 partitions on 3 brokers, 5 consumer groups.",
        file: "sandbox-large",
    },
];

impl Preset {
    pub fn by_slug(slug: &str) -> Option<Preset> {
        PRESETS.iter().copied().find(|p| p.slug == slug)
    }

    /// The preset's setup, from the compiled setups: the sandbox's page carries no TOML
    /// parser (see [`crate::ui::reader`]).
    pub fn setup(&self) -> Setup {
        shipped::compiled_setup(self.file).expect("every preset names a shipped file (tested)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_builds_and_slugs_are_unique() {
        let slugs: crate::engine::sorted::VecSet<_> = PRESETS.iter().map(|p| p.slug).collect();
        assert_eq!(slugs.len(), PRESETS.len());
        for preset in PRESETS {
            let setup = preset.setup();
            assert!(!setup.planned.is_empty(), "{}", preset.slug);
            assert_eq!(Preset::by_slug(preset.slug), Some(preset));
        }
    }

    #[test]
    fn killing_the_leader_in_the_acks1_preset_loses_acknowledged_records() {
        use crate::engine::{BrokerId, Command, SimTime};
        use crate::ui::sandbox::session::Session;
        let mut session = Session::<()>::new(Preset::by_slug("acks1-by-hand").unwrap().setup());
        session.advance_to(SimTime::from_ms(6_000));
        let leader = session.sim().topic("orders").unwrap().partitions[0]
            .leader
            .unwrap();
        session
            .act(Command::CrashBroker { broker: leader })
            .unwrap();
        session.advance_to(SimTime::from_ms(15_000));
        let lost = session.sim().audit().acknowledged_then_lost.len();
        assert!(lost >= 3, "{lost} acknowledged records lost");
        assert!(session.sim().broker(BrokerId(leader.0)).is_some());
    }
}
