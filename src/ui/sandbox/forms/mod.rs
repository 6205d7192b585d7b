//! The forms that act on the sandbox: topics, producers, groups and brokers.

pub(crate) mod broker;
pub(crate) mod group;
pub(crate) mod producer;
pub(crate) mod topic;
