//! Consumer groups: the rebalance memory ([`watch`]), the groups view ([`view`]) and its
//! panel (`panel`).

pub mod view;
pub mod watch;

pub(crate) mod panel;
