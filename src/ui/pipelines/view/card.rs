//! The text around a pipeline's diagram: its pattern, the role Kafka plays, its key facts and
//! caveats (each with a provenance badge) and its numbered sources.

use crate::pipeline::model::{Fact, Pipeline};

use super::badge::Badge;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactView {
    pub label: String,
    pub value: String,
    pub year: Option<String>,
    pub badge: Badge,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceView {
    /// The number badges cite (`S3` is number 3).
    pub number: usize,
    pub title: String,
    pub date: String,
    /// Empty when the source has no public address (the CodeMentor source document).
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardView {
    pub id: String,
    pub name: String,
    pub era: String,
    pub pattern: String,
    pub kafka_role: String,
    pub facts: Vec<FactView>,
    pub caveats: Vec<FactView>,
    pub sources: Vec<SourceView>,
    /// How many of the facts, caveats, nodes and edges are sourced, and how many modelled.
    pub sourced_count: usize,
    pub modelled_count: usize,
}

fn fact(f: &Fact, pipeline: &Pipeline) -> FactView {
    FactView {
        label: f.label.clone(),
        value: f.value.clone(),
        year: f.year.clone(),
        badge: Badge::build(&f.provenance, &pipeline.sources),
    }
}

impl CardView {
    pub fn build(pipeline: &Pipeline) -> CardView {
        let provenances = pipeline.provenances();
        let sourced_count = provenances.iter().filter(|p| p.is_sourced()).count();
        CardView {
            id: pipeline.id.clone(),
            name: pipeline.name.clone(),
            era: pipeline.era.clone(),
            pattern: pipeline.pattern.clone(),
            kafka_role: pipeline.kafka_role.clone(),
            facts: pipeline.facts.iter().map(|f| fact(f, pipeline)).collect(),
            caveats: pipeline.caveats.iter().map(|f| fact(f, pipeline)).collect(),
            sources: pipeline
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| SourceView {
                    number: i + 1,
                    title: s.title.clone(),
                    date: s.date.clone(),
                    url: s.url.clone(),
                })
                .collect(),
            sourced_count,
            modelled_count: provenances.len() - sourced_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::builtin;

    #[test]
    fn every_pipeline_has_a_role_sources_and_both_kinds_of_fact() {
        for pipeline in builtin::all() {
            let card = CardView::build(&pipeline);
            assert!(!card.kafka_role.is_empty(), "{}", card.id);
            assert!(!card.sources.is_empty(), "{}", card.id);
            assert_eq!(card.sources[0].number, 1);
            assert!(
                card.sourced_count > 0 && card.modelled_count > 0,
                "{}",
                card.id
            );
        }
    }

    #[test]
    fn fact_badges_cite_numbered_sources_that_exist() {
        let card = CardView::build(&builtin::uber());
        for f in card.facts.iter().chain(&card.caveats) {
            if f.badge.sourced {
                let n: usize = f.badge.text[1..].parse().expect("a number");
                assert!(card.sources.iter().any(|s| s.number == n));
            }
        }
    }
}
