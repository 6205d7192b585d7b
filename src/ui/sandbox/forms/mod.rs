//! The forms that act on the sandbox: topics, producers, groups and brokers.
//!
//! Each setting of the engine's config structs a form shows is drawn by `ConfigField` from its
//! entry in the table of configs (`engine::config`), found in a `const` item, so a name the
//! table lacks does not build; `tests.rs` checks every form's list against the table and that
//! no form writes a setting's name, default or meaning itself.

pub(crate) mod broker;
pub(crate) mod group;
pub(crate) mod producer;
pub(crate) mod topic;

#[cfg(test)]
mod tests;
