//! Properties every assignor must keep, checked over many generated groups.

use crate::engine::sorted::{VecMap, VecSet};

use super::{assign, AssignorKind, MemberSubscription};

const ALL_KINDS: [AssignorKind; 4] = [
    AssignorKind::Range,
    AssignorKind::RoundRobin,
    AssignorKind::Sticky,
    AssignorKind::CooperativeSticky,
];

/// A small deterministic generator so the generated groups are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % bound.max(1)
    }
}

fn member(id: &str, topics: &[&str]) -> MemberSubscription {
    MemberSubscription {
        member_id: id.to_string(),
        group_instance_id: None,
        topics: topics.iter().map(|t| t.to_string()).collect(),
        owned: Vec::new(),
        generation: None,
    }
}

fn topics(list: &[(&str, u32)]) -> VecMap<String, u32> {
    list.iter()
        .map(|(name, count)| (name.to_string(), *count))
        .collect()
}

/// A group with random topics, subscriptions and (for sticky) random previous ownership.
fn random_group(
    rng: &mut Lcg,
    equal_subscriptions: bool,
) -> (VecMap<String, u32>, Vec<MemberSubscription>) {
    let topic_count = 1 + rng.below(4) as usize;
    let names: Vec<String> = (0..topic_count).map(|t| format!("topic-{t}")).collect();
    let existing: VecMap<String, u32> = names
        .iter()
        .map(|name| (name.clone(), 1 + rng.below(7) as u32))
        .collect();
    let member_count = 1 + rng.below(6) as usize;
    let mut members = Vec::new();
    for m in 0..member_count {
        let subscribed: Vec<String> = if equal_subscriptions {
            names.clone()
        } else {
            let picked: Vec<String> = names
                .iter()
                .filter(|_| rng.below(2) == 0)
                .cloned()
                .collect();
            if picked.is_empty() {
                vec![names[0].clone()]
            } else {
                picked
            }
        };
        let owned = subscribed
            .iter()
            .flat_map(|name| (0..existing[name]).map(move |p| (name.clone(), p)))
            .filter(|_| rng.below(3) == 0)
            .collect();
        members.push(MemberSubscription {
            member_id: format!("consumer-{m}-{}", rng.below(1000)),
            group_instance_id: None,
            topics: subscribed,
            owned,
            generation: Some(1 + rng.below(2) as i32),
        });
    }
    (existing, members)
}

fn counts(result: &VecMap<String, Vec<(String, u32)>>) -> Vec<usize> {
    result.values().map(Vec::len).collect()
}

fn assert_no_partition_twice(result: &VecMap<String, Vec<(String, u32)>>) {
    let mut seen = VecSet::new();
    for partitions in result.values() {
        for partition in partitions {
            assert!(
                seen.insert(partition.clone()),
                "{partition:?} assigned twice: {result:?}"
            );
        }
    }
}

#[test]
fn names_round_trip() {
    for kind in ALL_KINDS {
        assert_eq!(AssignorKind::from_name(kind.name()), Some(kind));
        assert_eq!(
            kind.is_cooperative(),
            kind == AssignorKind::CooperativeSticky
        );
    }
    assert_eq!(AssignorKind::from_name("Range"), None);
}

#[test]
fn equal_subscriptions_are_balanced_within_one() {
    let mut rng = Lcg(7);
    for _ in 0..300 {
        let (existing, mut members) = random_group(&mut rng, true);
        for subscription in &mut members {
            subscription.owned.clear();
        }
        for kind in [
            AssignorKind::RoundRobin,
            AssignorKind::Sticky,
            AssignorKind::CooperativeSticky,
        ] {
            let result = assign(kind, &existing, &members);
            let sizes = counts(&result);
            let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(max - min <= 1, "{kind:?} unbalanced: {result:?}");
            let total: u32 = existing.values().sum();
            assert_eq!(
                sizes.iter().sum::<usize>(),
                total as usize,
                "{kind:?} lost partitions"
            );
        }
    }
}

#[test]
fn sticky_with_owned_partitions_stays_balanced_for_equal_subscriptions() {
    let mut rng = Lcg(11);
    for _ in 0..300 {
        let (existing, members) = random_group(&mut rng, true);
        let result = assign(AssignorKind::Sticky, &existing, &members);
        let sizes = counts(&result);
        let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
        assert!(max - min <= 1, "unbalanced: {result:?} from {members:?}");
        assert_no_partition_twice(&result);
    }
}

#[test]
fn no_partition_is_assigned_twice_and_every_member_gets_an_entry() {
    let mut rng = Lcg(3);
    for round in 0..400 {
        let (existing, members) = random_group(&mut rng, round % 2 == 0);
        for kind in ALL_KINDS {
            let result = assign(kind, &existing, &members);
            assert_no_partition_twice(&result);
            let ids: VecSet<&String> = members.iter().map(|m| &m.member_id).collect();
            assert_eq!(result.keys().collect::<VecSet<_>>(), ids);
            for (id, partitions) in &result {
                let subscription = members.iter().find(|m| &m.member_id == id).unwrap();
                for (topic, partition) in partitions {
                    assert!(
                        subscription.topics.contains(topic),
                        "{kind:?} gave {id} {topic}"
                    );
                    assert!(*partition < existing[topic]);
                }
                assert!(
                    partitions.windows(2).all(|pair| pair[0] < pair[1]),
                    "unsorted list"
                );
            }
            if kind != AssignorKind::CooperativeSticky {
                let subscribed: VecSet<&String> =
                    members.iter().flat_map(|m| m.topics.iter()).collect();
                let total: u32 = subscribed.iter().map(|topic| existing[*topic]).sum();
                let assigned: usize = counts(&result).iter().sum();
                assert_eq!(assigned, total as usize, "{kind:?} left partitions out");
            }
        }
    }
}

#[test]
fn result_does_not_depend_on_member_order() {
    let mut rng = Lcg(5);
    for round in 0..200 {
        let (existing, members) = random_group(&mut rng, round % 2 == 0);
        let mut reversed = members.clone();
        reversed.reverse();
        let mut rotated = members.clone();
        rotated.rotate_left(members.len() / 2);
        for kind in ALL_KINDS {
            let expected = assign(kind, &existing, &members);
            assert_eq!(assign(kind, &existing, &reversed), expected, "{kind:?}");
            assert_eq!(assign(kind, &existing, &rotated), expected, "{kind:?}");
        }
    }
}

#[test]
fn sticky_general_path_keeps_owned_partitions_when_already_balanced() {
    let existing = topics(&[("a", 2), ("b", 2)]);
    let mut first = member("m1", &["a", "b"]);
    first.owned = vec![("a".into(), 1), ("b".into(), 0)];
    first.generation = Some(3);
    let mut second = member("m2", &["a"]);
    second.owned = vec![("a".into(), 0)];
    second.generation = Some(3);
    let mut third = member("m3", &["b"]);
    third.owned = vec![("b".into(), 1)];
    third.generation = Some(3);
    let members = [first, second, third];
    for kind in [AssignorKind::Sticky, AssignorKind::CooperativeSticky] {
        let result = assign(kind, &existing, &members);
        assert_eq!(
            result["m1"],
            vec![("a".to_string(), 1), ("b".to_string(), 0)]
        );
        assert_eq!(result["m2"], vec![("a".to_string(), 0)]);
        assert_eq!(result["m3"], vec![("b".to_string(), 1)]);
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    let existing = topics(&[("a", 3), ("empty", 0)]);
    let mut stale = member("stale", &["a", "ghost", "a"]);
    stale.owned = vec![
        ("a".into(), 0),
        ("a".into(), 0),
        ("a".into(), 99),
        ("ghost".into(), 1),
        ("empty".into(), 0),
    ];
    stale.generation = Some(7);
    let mut older = member("older", &["a"]);
    older.owned = vec![("a".into(), 0), ("a".into(), 1)];
    older.generation = Some(2);
    let nothing = member("nothing", &[]);
    let only_missing = member("only-missing", &["ghost", "empty"]);
    let groups: Vec<Vec<MemberSubscription>> = vec![
        vec![],
        vec![nothing.clone()],
        vec![only_missing.clone()],
        vec![stale.clone(), older.clone()],
        vec![
            stale.clone(),
            older.clone(),
            nothing.clone(),
            only_missing.clone(),
        ],
        vec![stale.clone(), stale.clone()],
    ];
    for members in &groups {
        for kind in ALL_KINDS {
            let result = assign(kind, &existing, members);
            assert_no_partition_twice(&result);
            assert!(members.iter().all(|m| result.contains_key(&m.member_id)));
        }
    }
    for kind in ALL_KINDS {
        assert!(assign(kind, &VecMap::new(), &[]).is_empty());
    }
}

#[test]
fn cooperative_withholds_partitions_still_owned_elsewhere() {
    let existing = topics(&[("t", 4)]);
    let mut owner = member("a", &["t"]);
    owner.owned = (0..4).map(|p| ("t".to_string(), p)).collect();
    owner.generation = Some(1);
    let mut joiner = member("b", &["t"]);
    joiner.generation = Some(1);
    let members = [owner, joiner];
    let eager = assign(AssignorKind::Sticky, &existing, &members);
    assert_eq!(counts(&eager), vec![2, 2]);
    let cooperative = assign(AssignorKind::CooperativeSticky, &existing, &members);
    // The owner keeps half and revokes the rest; the joiner gets them next round.
    assert_eq!(cooperative["a"], eager["a"]);
    assert!(cooperative["b"].is_empty());
}
