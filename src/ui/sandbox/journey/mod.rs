//! A record's journey through the cluster: the memory of recent records' steps ([`book`]), one
//! record's journey as lines ([`view`]) and the panel that tells it (`panel`).

pub mod book;
pub mod view;

pub(crate) mod panel;

#[cfg(test)]
mod tests;
