//! The tour's picture of the cluster: built as plain data ([`view`]) and drawn (`svg`).

pub mod view;

pub(crate) mod svg;
